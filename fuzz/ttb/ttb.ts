/**
 * `dmafuzz ttb`: for each canary on its first buggy variant, N independent trials per engine
 * from an empty corpus; and a false-positive watch with full feedback on each fixed variant.
 * Trials run on a worker_threads pool; results go to OUT/ttb.json, ttb.md and ttb.svg.
 */
import { cpus } from "node:os";
import { join } from "node:path";
import { type Canary, CANARIES } from "../../src/oracles/canaries.js";
import type { DeepBug } from "../deep/bug.js";
import { runWorkerPool } from "../../src/parallel/pool.js";
import { thisPackage } from "../../src/paths.js";
import { writeFileAtomic } from "../../src/sim/atomic-write.js";
import { renderSurvivalChart } from "./render-deep.js";
import { renderTtbChart, renderTtbHtml, renderTtbMarkdown } from "./render.js";
import { summarizeTtb, type TrialRecord, type TtbSummary } from "./summary.js";
import type { TrialJob, TtbEngine } from "./trial.js";

export interface TtbOptions {
  canaries: readonly Canary[];
  /** Deep bugs to time (fuzz/deep), each on its own budget unless `budgetMs` overrides it. */
  deep?: readonly DeepBug[];
  engines: readonly TtbEngine[];
  trials: number;
  /** Budget of each canary trial; for deep bugs, when set, it overrides each bug's own budget. */
  budgetMs: number;
  /** Whether `budgetMs` overrides the deep bugs' own budgets (default false). */
  deepBudgetOverride?: boolean;
  /** Budget of each false-positive watch (default: budgetMs). */
  fpBudgetMs?: number;
  workers: number;
  seed: number;
  out: string;
  /** Watch fixed variants for false positives (default true). */
  falsePositives?: boolean;
  onTrial?: (record: TrialRecord, done: number, total: number) => void;
  signal?: AbortSignal;
}

/** The trials of a run, in a fixed order. */
export function ttbJobs(o: Omit<TtbOptions, "workers" | "out">): TrialJob[] {
  const jobs: TrialJob[] = [];
  for (const bug of o.deep ?? []) {
    for (const engine of o.engines) {
      for (let t = 0; t < o.trials; t++) {
        jobs.push({
          canary: bug.id,
          set: "deep",
          model: bug.model,
          variant: bug.variant,
          engine,
          seed: o.seed + t,
          budgetMs: o.deepBudgetOverride === true ? o.budgetMs : bug.budgetS * 1000,
          purpose: "ttb",
        });
      }
    }
  }
  for (const c of o.canaries) {
    const variant = c.firesOn[0] as string;
    for (const engine of o.engines) {
      for (let t = 0; t < o.trials; t++) {
        jobs.push({
          canary: c.id,
          model: c.model,
          variant,
          engine,
          seed: o.seed + t,
          budgetMs: o.budgetMs,
          purpose: "ttb",
        });
      }
    }
    if (o.falsePositives === false) continue;
    for (const variant of c.silentOn) {
      jobs.push({
        canary: c.id,
        model: c.model,
        variant,
        engine: "full",
        seed: o.seed,
        budgetMs: o.fpBudgetMs ?? o.budgetMs,
        purpose: "fp",
      });
    }
  }
  return jobs;
}

/** Runs the benchmark and writes its files; returns the summary. */
export async function runTtb(
  options: TtbOptions,
): Promise<{ summary: TtbSummary; records: TrialRecord[] }> {
  const jobs = ttbJobs(options);
  const records: TrialRecord[] = [];
  await runWorkerPool<TrialJob, TrialRecord>(jobs, {
    script: join(thisPackage().root, "dist", "fuzz", "ttb", "worker.js"),
    workers: options.workers,
    signal: options.signal,
    onResult: (result, job) => {
      const record = { ...job, ...result };
      records.push(record);
      options.onTrial?.(record, records.length, jobs.length);
    },
  });
  const summary = summarizeTtb(records);
  const environment = `Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}, ${options.workers} worker(s) in parallel`;
  writeFileAtomic(
    join(options.out, "ttb.json"),
    `${JSON.stringify({ environment, options: { ...options, canaries: options.canaries.map((c) => c.id), deep: options.deep?.map((b) => b.id), onTrial: undefined, signal: undefined }, summary, records }, null, 2)}\n`,
  );
  const markdown = renderTtbMarkdown(summary, {
    budgetS: options.budgetMs / 1000,
    fpBudgetS: (options.fpBudgetMs ?? options.budgetMs) / 1000,
    trials: options.trials,
    environment,
    deep: options.deep,
  });
  writeFileAtomic(join(options.out, "ttb.md"), markdown);
  const charts: { title: string; svg: string }[] = [];
  if (records.some((r) => r.purpose === "ttb")) {
    charts.push({ title: "seconds to find per engine", svg: await renderTtbChart(records) });
    writeFileAtomic(join(options.out, "ttb.svg"), charts[0]?.svg ?? "");
  }
  if (records.some((r) => r.set === "deep")) {
    const svg = await renderSurvivalChart(summary);
    charts.push({ title: "share of trials without the bug over time", svg });
    writeFileAtomic(join(options.out, "ttb-survival.svg"), svg);
  }
  writeFileAtomic(join(options.out, "index.html"), renderTtbHtml(markdown, charts));
  return { summary, records };
}

/** Canaries by id (all when none are named); unknown ids are returned separately. */
export function selectCanaries(ids: readonly string[]): { canaries: Canary[]; unknown: string[] } {
  if (ids.length === 0) return { canaries: [...CANARIES], unknown: [] };
  return {
    canaries: CANARIES.filter((c) => ids.includes(c.id)),
    unknown: ids.filter((id) => !CANARIES.some((c) => c.id === id)),
  };
}
