/**
 * The campaign's bookkeeping in the main thread: aggregated counters, status lines, the
 * first-found time of each signature, and the stats files: every status interval and at the end,
 * stats.json is replaced and then a stats.csv row appended (in that order, so a kill between the
 * two never leaves the CSV ahead of the totals a --resume starts from).
 */
import { relative } from "node:path";
import type { SyncStats } from "./campaign-sync.js";
import type { Board } from "./heartbeat.js";
import type { FindingNotice, WorkerCounters } from "./protocol.js";
import {
  appendCsvRow,
  type CampaignStats,
  type FindingStat,
  type SessionStat,
  writeStats,
} from "./stats-file.js";
import { rssMb, type StatusEvent, type StatusSnapshot, statusLine } from "./status.js";

/** Options of {@link CampaignRecorder}. */
export interface RecorderOptions {
  outDir: string;
  board: Board;
  /** stats.json of the earlier sessions. */
  prior: CampaignStats | undefined;
  /** Findings of the earlier sessions (this map is extended in place). */
  findings: Map<string, FindingStat>;
  identity: { target: string; variant: string; feedback: string; workers: number; seed: number };
  corpusSize: () => number;
  log: (line: string) => void;
  /** The sync directory's counters, when the campaign has one. */
  sync?: () => SyncStats | undefined;
}

export class CampaignRecorder {
  /** Date.now() at the start of this session (workers time their findings from it). */
  readonly sessionStartEpoch = Date.now();
  /** Fuzzing milliseconds of the earlier sessions. */
  readonly priorMs: number;
  /** Signatures first found in this session. */
  readonly newFindings: FindingStat[] = [];
  readonly #options: RecorderOptions;
  readonly #start = performance.now();
  readonly #priorExecs: number;
  readonly #sessions: SessionStat[];
  #cov = 0;
  #ft = 0;
  #linesThisTick = 0;
  readonly #inputs = new Map<number, { execs: number; bytes: number }>();
  #lastRow: { at: number; execs: number };

  constructor(options: RecorderOptions) {
    this.#options = options;
    this.priorMs = options.prior?.elapsedMs ?? 0;
    this.#priorExecs = options.prior?.execs ?? 0;
    const { workers, seed } = options.identity;
    const start = new Date(this.sessionStartEpoch).toISOString();
    this.#sessions = [
      ...(options.prior?.sessions ?? []),
      { start, end: null, execs: 0, workers, seed },
    ];
    this.#lastRow = { at: this.#start, execs: this.#priorExecs };
  }

  /** Campaign-wide fuzzing milliseconds. */
  elapsedMs(): number {
    return this.priorMs + (performance.now() - this.#start);
  }

  /**
   * Takes the counters of the worker in `slot`: the status shows the largest feature counts (the
   * workers converge); the mean input length is over the slots' current workers.
   */
  updateFeatures(counters: WorkerCounters, slot = 0): void {
    this.#cov = Math.max(this.#cov, counters.codeFeatures);
    this.#ft = Math.max(this.#ft, counters.allFeatures);
    this.#inputs.set(slot, { execs: counters.execs, bytes: counters.inputBytes });
  }

  /** Mean bytes per executed input, or undefined before any worker reported. */
  #meanInputBytes(): number | undefined {
    let execs = 0;
    let bytes = 0;
    for (const slot of this.#inputs.values()) {
      execs += slot.execs;
      bytes += slot.bytes;
    }
    return execs > 0 ? Math.round((bytes / execs) * 10) / 10 : undefined;
  }

  /** Records a finding; false when its signature was found before (by any worker or session). */
  addFinding(notice: FindingNotice): boolean {
    const { findings, outDir } = this.#options;
    if (findings.has(notice.signature)) return false;
    const { signature, kind, message, execs, ms } = notice;
    const stat = {
      signature,
      kind,
      message,
      dir: relative(outDir, notice.dir),
      execs,
      ms: Math.round(ms),
    };
    findings.set(signature, stat);
    this.newFindings.push(stat);
    return true;
  }

  /** Prints a status line. */
  status(event: StatusEvent): void {
    this.#options.log(statusLine(event, this.snapshot()));
    this.#linesThisTick++;
  }

  /** The INITED line, and stats.json at once: a session killed early still leaves its record. */
  begin(): void {
    this.status("INITED");
    this.#write(false, this.snapshot());
  }

  /** Once per status interval: a pulse line if nothing was printed, stats.json, a CSV row. */
  tick(): void {
    if (this.#linesThisTick === 0) this.status("pulse");
    this.#linesThisTick = 0;
    const snapshot = this.snapshot();
    this.#write(false, snapshot);
    this.#appendRow(snapshot);
  }

  /** The last status line, stats.json (with this session's end time) and CSV row. */
  finish(): CampaignStats {
    this.status("DONE");
    const snapshot = this.snapshot();
    const stats = this.#write(true, snapshot);
    this.#appendRow(snapshot);
    return stats;
  }

  snapshot(): StatusSnapshot {
    return {
      execs: this.#options.board.totalExecs(),
      execPerSec: this.#execPerSec(),
      cov: this.#cov,
      ft: this.#ft,
      corpus: this.#options.corpusSize(),
      rssMb: rssMb(),
    };
  }

  #execPerSec(): number {
    const seconds = (performance.now() - this.#start) / 1000;
    const execs = this.#options.board.totalExecs() - this.#priorExecs;
    return seconds > 0 ? Math.round(execs / seconds) : 0;
  }

  #appendRow(snapshot: StatusSnapshot): void {
    const now = performance.now();
    const seconds = (now - this.#lastRow.at) / 1000;
    appendCsvRow(this.#options.outDir, {
      elapsedS: this.elapsedMs() / 1000,
      execs: snapshot.execs,
      execPerSec: seconds > 0 ? (snapshot.execs - this.#lastRow.execs) / seconds : 0,
      cov: snapshot.cov,
      ft: snapshot.ft,
      corpus: snapshot.corpus,
      findings: this.#options.findings.size,
    });
    this.#lastRow = { at: now, execs: snapshot.execs };
  }

  #write(ended: boolean, snapshot: StatusSnapshot): CampaignStats {
    const { identity, prior, outDir, findings } = this.#options;
    const now = new Date().toISOString();
    const session = this.#sessions[this.#sessions.length - 1]!;
    session.execs = snapshot.execs - this.#priorExecs;
    if (ended) session.end = now;
    const meanInputBytes = this.#meanInputBytes();
    const sync = this.#options.sync?.();
    const stats: CampaignStats = {
      ...identity,
      execs: snapshot.execs,
      execPerSec: snapshot.execPerSec,
      elapsedMs: Math.round(this.elapsedMs()),
      corpusSize: snapshot.corpus,
      codeFeatures: snapshot.cov,
      allFeatures: snapshot.ft,
      ...(meanInputBytes !== undefined && { meanInputBytes }),
      findings: [...findings.values()].sort((a, b) => a.ms - b.ms),
      startTime: prior?.startTime ?? this.#sessions[0]!.start,
      endTime: ended ? now : null,
      sessions: this.#sessions,
      ...(sync !== undefined && { sync }),
    };
    writeStats(outDir, stats);
    return stats;
  }
}
