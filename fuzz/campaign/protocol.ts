/**
 * Messages between a campaign's main thread and its fuzzing workers. Per-execution state goes
 * through the shared board (./heartbeat.ts); messages carry only events: new corpus entries,
 * findings, periodic counters.
 */
import type { FeedbackMode } from "../engine/engine.js";

/** What a worker starts with (its workerData). */
export interface WorkerConfig {
  /** Its heartbeat slot on the board. */
  slot: number;
  seed: number;
  /** Target name (see loadTarget). */
  target: string;
  /** A test-only target module relative to dist/, instead of the named one. */
  targetModule?: string;
  variant: string;
  /** Users' policy modules (absolute paths) to load before the target. */
  policyFiles: string[];
  feedback: FeedbackMode;
  outDir: string;
  maxInputBytes: number;
  /** Executions this worker may run (its share of --runs); absent = until told to stop. */
  maxRuns?: number;
  /** Inputs to run first: the corpus so far. */
  seeds: Uint8Array[];
  /** Signatures already saved: not reported, minimized or saved again. */
  knownSignatures: string[];
  board: SharedArrayBuffer;
  /** Date.now() when this session began, and the fuzzing ms of earlier sessions. */
  sessionStart: number;
  priorMs: number;
}

/** Main thread to worker. */
export type ToWorker =
  /** Another worker's new corpus entry. */
  | { type: "seed"; input: Uint8Array }
  /** A signature saved elsewhere meanwhile. */
  | { type: "known"; signature: string };

/** A worker's counters that are not on the board. */
export interface WorkerCounters {
  corpusSize: number;
  codeFeatures: number;
  allFeatures: number;
  /** Executions of this worker and the input bytes they ran (for the mean input length). */
  execs: number;
  inputBytes: number;
}

/** A finding a worker saved (or found already saved by another worker). */
export interface FindingNotice {
  signature: string;
  kind: string;
  message: string;
  /** Its directory under OUT/findings. */
  dir: string;
  /** Campaign-wide executions and fuzzing milliseconds when it was found. */
  execs: number;
  ms: number;
}

/** Worker to main thread. The corpus file or finding directory is on disk before the message. */
export type FromWorker =
  | { type: "new"; name: string; input: Uint8Array; counters: WorkerCounters }
  | { type: "finding"; notice: FindingNotice; saved: boolean }
  | { type: "status"; counters: WorkerCounters }
  | { type: "done"; counters: WorkerCounters };
