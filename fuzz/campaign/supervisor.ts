/**
 * Keeps a campaign's worker threads alive: starts one per slot, watches their heartbeats, and
 * when one hangs (no execution or replay for the time limit) or dies (an 'error' event, a
 * non-zero exit code), reports the input it was running as a fault and starts a replacement in
 * the same slot, unless the campaign is stopping. Worker lifecycle only; the campaign decides
 * what a fault or a message means.
 */
import { Worker } from "node:worker_threads";
import { hookDescription } from "../../src/models/policy.js";
import { builtSibling } from "../../src/paths.js";
import { type Board, Phase } from "./heartbeat.js";
import type { FromWorker, ToWorker, WorkerConfig } from "./protocol.js";

/** A worker that hung or died, with the input it had begun. */
export interface WorkerFault {
  kind: "crash" | "timeout" | "policy-error";
  /** Stable name of the failure mode (part of the finding's signature). */
  site: string;
  message: string;
  input: Uint8Array;
  evidence: Record<string, unknown>;
}

/** Options of {@link Supervisor}. */
export interface SupervisorOptions {
  board: Board;
  /** A worker runs this long without a heartbeat before it counts as hung. */
  timeoutMs: number;
  /** The config of the next worker in `slot`; `runsDone` are its predecessors' executions. */
  configFor(slot: number, generation: number, runsDone: number): WorkerConfig | null;
  onMessage(message: FromWorker, slot: number): void;
  onFault(fault: WorkerFault, slot: number): void;
  /** Every slot is empty: all workers stopped or finished their runs. */
  onIdle(): void;
  /** A worker failed before it began fuzzing: replacing it would only fail again. */
  onFatal(error: Error): void;
}

interface SlotState {
  worker: Worker | null;
  generation: number;
  /** Executions of the slot's earlier workers (they count against its --runs share). */
  runsDone: number;
  /** Why the supervisor terminated the worker, if it did. */
  terminating: "timeout" | "stop" | null;
  error: Error | null;
  lastBeats: number;
  lastBeatAt: number;
}

/** Starts, watches and replaces the workers of one campaign. */
export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #slots: SlotState[] = [];
  readonly #script = builtSibling(import.meta.url, "worker.js");
  #stopping = false;
  /** Workers started to replace one that hung or died. */
  replacements = 0;

  constructor(options: SupervisorOptions) {
    this.#options = options;
  }

  /** Starts one worker per board slot. */
  start(): void {
    for (let slot = 0; slot < this.#options.board.slotCount; slot++) {
      this.#slots.push({
        worker: null,
        generation: 0,
        runsDone: 0,
        terminating: null,
        error: null,
        lastBeats: 0,
        lastBeatAt: performance.now(),
      });
      this.#spawn(slot);
    }
    if (this.#slots.every((state) => state.worker === null)) this.#options.onIdle();
  }

  /** Sends `message` to every live worker but `except`'s. */
  broadcast(message: ToWorker, except?: number): void {
    this.#slots.forEach((state, slot) => {
      if (slot !== except) state.worker?.postMessage(message);
    });
  }

  /** Terminates every worker whose heartbeat stopped `timeoutMs` ago; call about every second. */
  check(now: number): void {
    this.#slots.forEach((state, slot) => {
      if (state.worker === null || state.terminating !== null) return;
      const heartbeat = this.#options.board.slot(slot);
      if (heartbeat.phase !== Phase.running || heartbeat.beats !== state.lastBeats) {
        state.lastBeats = heartbeat.beats;
        state.lastBeatAt = now;
        return;
      }
      if (now - state.lastBeatAt < this.#options.timeoutMs) return;
      const { input, truncated } = heartbeat.lastInput();
      state.terminating = "timeout";
      const evidence = {
        timeoutMs: this.#options.timeoutMs,
        workerExecs: heartbeat.execs,
        truncated,
      };
      // A user's policy hook that never returned is the policy's fault, named by its hook.
      const hook = hookDescription(heartbeat.hookInProgress);
      this.#options.onFault(
        hook === undefined
          ? {
              kind: "timeout",
              site: "execution-timeout",
              message: `worker ${slot}: one execution ran past ${this.#options.timeoutMs} ms`,
              input,
              evidence,
            }
          : {
              kind: "policy-error",
              site: hook.hook,
              message: `policy ${hook.policy} (${hook.file}): hook ${hook.hook} did not return within ${this.#options.timeoutMs} ms`,
              input,
              evidence: { ...evidence, ...hook, reason: "did not return" },
            },
        slot,
      );
      void state.worker.terminate();
    });
  }

  /** Asks the workers to stop after their current execution; none is replaced from now on. */
  stop(): void {
    this.#stopping = true;
    this.#options.board.requestStop();
  }

  /** Terminates the workers still running (after stop() had its grace period). */
  terminateAll(): void {
    this.#stopping = true;
    for (const state of this.#slots) {
      if (state.worker === null || state.terminating !== null) continue;
      state.terminating = "stop";
      void state.worker.terminate();
    }
  }

  #spawn(slot: number): void {
    const state = this.#slots[slot]!;
    const config = this.#options.configFor(slot, state.generation, state.runsDone);
    if (config === null) return;
    const worker = new Worker(this.#script, { workerData: config });
    Object.assign(state, { worker, terminating: null, error: null, lastBeats: 0 });
    state.lastBeatAt = performance.now();
    worker.on("message", (message: FromWorker) => this.#options.onMessage(message, slot));
    worker.on("error", (error) => {
      state.error = error;
    });
    worker.on("exit", (code) => this.#exited(slot, worker, code));
  }

  #exited(slot: number, worker: Worker, code: number): void {
    const state = this.#slots[slot]!;
    if (state.worker !== worker) return;
    const heartbeat = this.#options.board.slot(slot);
    const phase = heartbeat.phase;
    const { input, truncated } = heartbeat.lastInput();
    state.runsDone += this.#options.board.retire(slot);
    state.worker = null;
    const died = state.terminating === null && (code !== 0 || state.error !== null);
    if (died && phase === Phase.starting) {
      const why = state.error?.message ?? `exit code ${code}`;
      this.#options.onFatal(new Error(`fuzz worker ${slot} failed to start: ${why}`));
      return;
    }
    if (died) {
      const error = state.error as (Error & { code?: string }) | null;
      this.#options.onFault(
        {
          kind: "crash",
          site: error === null ? `worker-exit-${code}` : `worker-error-${error.code ?? error.name}`,
          message: `worker ${slot} died: ${error?.message ?? `exit code ${code}`}`,
          input,
          evidence: { exitCode: code, stack: error?.stack ?? null, truncated },
        },
        slot,
      );
    }
    if ((died || state.terminating === "timeout") && !this.#stopping) {
      state.generation++;
      this.replacements++;
      this.#spawn(slot);
    }
    if (this.#slots.every((other) => other.worker === null)) this.#options.onIdle();
  }
}
