/**
 * The trace of an input that hung or killed a fuzzing worker: the worker cannot say what it was
 * running, so a tracer thread (./tracer.ts) runs the input again and streams each op before
 * applying it. Whatever arrived when the run ends, dies or runs out of time is the trace; for a
 * hang it ends with the op that hung, and replays to the same hang.
 */
import { Worker } from "node:worker_threads";
import { builtSibling } from "../../src/paths.js";

/** What the tracer runs (its workerData). */
export interface TracerConfig {
  target: string;
  targetModule?: string;
  variant: string;
  input: Uint8Array;
  /** Users' policy modules (absolute paths) to load before the target, as the workers do. */
  policyFiles: string[];
}

/** Tracer to main thread. */
export type FromTracer =
  { type: "start" } | { type: "op"; op: Record<string, unknown> } | { type: "done" };

/** Longest wait for a tracer thread to load its target (a loaded machine starts threads slowly). */
const STARTUP_MS = 60_000;

/** The trace lines of `config.input`, collected for at most `timeoutMs` ms of its run. */
export function traceFault(
  config: TracerConfig,
  timeoutMs: number,
): Promise<Record<string, unknown>[]> {
  const ops: Record<string, unknown>[] = [];
  return new Promise((resolve) => {
    const worker = new Worker(builtSibling(import.meta.url, "tracer.js"), { workerData: config });
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(ops);
    };
    let timer = setTimeout(end, STARTUP_MS);
    worker.on("message", (message: FromTracer) => {
      if (message.type === "op") ops.push(message.op);
      else if (message.type === "done") end();
      else {
        clearTimeout(timer);
        timer = setTimeout(end, timeoutMs);
      }
    });
    // A crash ends the trace at the op that crashed, like a hang.
    worker.on("error", end);
    worker.on("exit", end);
  });
}
