/**
 * A short-lived worker thread that runs one input (one that hung or killed a fuzzing worker) on
 * the target again and posts each op, as its trace line, before it is applied; then `done`. The
 * main thread collects the lines until the run ends or its time is up (see ./fault-trace.ts), so
 * the last line is the op that hung.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadPolicyFiles } from "../../src/models/policy-load.js";
import { loadTarget } from "../engine/load-target.js";
import type { TracerConfig, FromTracer } from "./fault-trace.js";

const port = parentPort;
if (port === null) throw new Error("fuzz/campaign/tracer.js must run in a worker thread");
const config = workerData as TracerConfig;
const post = (message: FromTracer): void => port.postMessage(message);

await loadPolicyFiles(config.policyFiles);
const { target } = await loadTarget(config.target, {
  refresh: false,
  ...(config.targetModule !== undefined && { modulePath: config.targetModule }),
});
post({ type: "start" });
target.run(config.input, config.variant, undefined, (op) => post({ type: "op", op }));
post({ type: "done" });
port.close();
