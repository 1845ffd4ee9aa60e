/**
 * Time-to-bug statistics: per canary and engine, how many trials found the bug and how fast
 * (median and IQR of executions and seconds over the trials that found it); against full
 * feedback, Mann-Whitney U and Vargha-Delaney A12 on seconds to find, a trial that did not find
 * it counting as the whole budget (censored); and the false-positive watch on fixed variants.
 */
import { compare } from "../../src/stats/verdict.js";
import { summarize } from "../../src/stats/summary.js";
import { restrictedMean, survivalCurve, type SurvivalPoint } from "./survival.js";
import type { TrialJob, TrialResult } from "./trial.js";

export interface TrialRecord extends TrialJob, TrialResult {}

export interface TtbRow {
  canary: string;
  variant: string;
  engine: string;
  trials: number;
  found: number;
  medianExecs: number | null;
  iqrExecs: number | null;
  medianSeconds: number | null;
  iqrSeconds: number | null;
  medianExecPerSec: number;
  /** "canaries" or "deep". */
  set: string;
  budgetSeconds: number;
  /** Kaplan-Meier estimate of the share of trials without the bug over time (./survival.ts). */
  survival: SurvivalPoint[];
  /** Restricted mean seconds to bug (area under the survival curve up to the budget). */
  meanSecondsRestricted: number;
}

export interface TtbComparison {
  canary: string;
  engine: string;
  p: number;
  a12: number;
  verdict: string;
}

export interface FalsePositiveRow {
  canary: string;
  variant: string;
  trials: number;
  fired: number;
}

export interface TtbSummary {
  rows: TtbRow[];
  comparisons: TtbComparison[];
  falsePositives: FalsePositiveRow[];
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** Summarizes the trial records of one run. */
export function summarizeTtb(records: readonly TrialRecord[]): TtbSummary {
  const ttb = records.filter((r) => r.purpose === "ttb");
  const rows: TtbRow[] = [];
  const censoredSeconds = new Map<string, number[]>();
  for (const group of groupBy(ttb, (r) => `${r.canary}|${r.engine}`).values()) {
    const first = group[0] as TrialRecord;
    const hits = group.filter((r) => r.found);
    const execs = hits.length > 0 ? summarize(hits.map((r) => r.execs)) : null;
    const seconds = hits.length > 0 ? summarize(hits.map((r) => r.ms / 1000)) : null;
    const censored = group.map((r) => (r.found ? r.ms : r.budgetMs) / 1000);
    const budgetSeconds = Math.max(...group.map((r) => r.budgetMs)) / 1000;
    const survival = survivalCurve(
      group.map((r, i) => ({ found: r.found, seconds: censored[i]! })),
    );
    rows.push({
      canary: first.canary,
      variant: first.variant,
      engine: first.engine,
      trials: group.length,
      found: hits.length,
      medianExecs: execs?.median ?? null,
      iqrExecs: execs?.iqr ?? null,
      medianSeconds: seconds?.median ?? null,
      iqrSeconds: seconds?.iqr ?? null,
      medianExecPerSec: summarize(group.map((r) => r.execPerSec)).median,
      set: first.set ?? "canaries",
      budgetSeconds,
      survival,
      meanSecondsRestricted: restrictedMean(survival, budgetSeconds),
    });
    censoredSeconds.set(`${first.canary}|${first.engine}`, censored);
  }
  const comparisons: TtbComparison[] = [];
  for (const row of rows) {
    const base = censoredSeconds.get(`${row.canary}|full`);
    const mine = censoredSeconds.get(`${row.canary}|${row.engine}`);
    if (row.engine === "full" || base === undefined || mine === undefined) continue;
    const c = compare("seconds to find", row.engine, mine, "full feedback", base);
    comparisons.push({
      canary: row.canary,
      engine: row.engine,
      p: c.p,
      a12: c.a12,
      verdict: c.verdict,
    });
  }
  const falsePositives = [
    ...groupBy(
      records.filter((r) => r.purpose === "fp"),
      (r) => `${r.canary}|${r.variant}`,
    ).values(),
  ].map((group) => ({
    canary: (group[0] as TrialRecord).canary,
    variant: (group[0] as TrialRecord).variant,
    trials: group.length,
    fired: group.filter((r) => r.found).length,
  }));
  return { rows, comparisons, falsePositives };
}
