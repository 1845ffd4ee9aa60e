/**
 * A campaign worker thread: runs a FuzzEngine on the target and saves what it finds itself, at
 * once and atomically (new corpus entries to OUT/corpus, findings to OUT/findings), before telling
 * the main thread. It fuzzes in short slices so that corpus entries shared by the other workers
 * arrive between them; the stop flag on the board is polled after every execution.
 */
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { saveInput } from "../engine/corpus.js";
import { type EngineStats, type FindingEvent, FuzzEngine } from "../engine/engine.js";
import { saveFinding } from "../engine/findings.js";
import { loadTarget } from "../engine/load-target.js";
import { minimize } from "../engine/minimize.js";
import type { FuzzTarget } from "../engine/target.js";
import { loadPolicyFiles } from "../../src/models/policy-load.js";
import { watchHooks } from "../../src/models/policy.js";
import { Board, Phase } from "./heartbeat.js";
import type { FromWorker, ToWorker, WorkerConfig, WorkerCounters } from "./protocol.js";

/** Milliseconds of fuzzing between two looks at the message queue. */
const SLICE_MS = 200;

const port = parentPort;
if (port === null) throw new Error("fuzz/campaign/worker.js must run in a worker thread");
const config = workerData as WorkerConfig;
const board = new Board(config.board);
const heartbeat = board.slot(config.slot);
const post = (message: FromWorker): void => port.postMessage(message);

await loadPolicyFiles(config.policyFiles);
watchHooks(heartbeat.hookView());
const { target: loaded } = await loadTarget(config.target, {
  refresh: false,
  ...(config.targetModule !== undefined && { modulePath: config.targetModule }),
});
// Every execution and replay goes through the heartbeat, so the main thread can tell which input
// hung or killed this thread.
const target: FuzzTarget = {
  ...loaded,
  run(data, variant, features) {
    heartbeat.beginRun(data);
    return loaded.run(data, variant, features);
  },
  replay(trace, variant) {
    heartbeat.beat();
    return loaded.replay(trace, variant);
  },
};
const known = new Set(config.knownSignatures);

function counters(stats: EngineStats): WorkerCounters {
  const { corpusSize, codeFeatures, allFeatures, execs, inputBytes } = stats;
  return { corpusSize, codeFeatures, allFeatures, execs, inputBytes };
}

function onFinding(event: FindingEvent): void {
  // Another worker may have saved this signature since: no need to minimize it again.
  if (known.has(event.signature)) return;
  known.add(event.signature);
  const minimized = minimize(target, config.variant, event.trace, event.signature);
  const execs = board.totalExecs();
  const ms = config.priorMs + (Date.now() - config.sessionStart);
  const { dir, saved } = saveFinding(config.outDir, {
    finding: event.finding,
    input: event.input,
    trace: event.trace,
    minimized: minimized.trace,
    executions: execs,
    elapsedMs: ms,
  });
  const { signature, finding } = event;
  post({
    type: "finding",
    notice: { signature, kind: finding.kind, message: finding.message, dir, execs, ms },
    saved,
  });
}

const corpusDir = join(config.outDir, "corpus");
const engine = new FuzzEngine({
  target,
  variant: config.variant,
  seed: config.seed,
  feedback: config.feedback,
  maxInputBytes: config.maxInputBytes,
  knownSignatures: known,
  onNew: (event) => {
    saveInput(corpusDir, event.input);
    post({ type: "new", name: event.name, input: event.input, counters: counters(event.stats) });
  },
  onFinding,
});
for (const seed of config.seeds) engine.addSeed(seed);
port.on("message", (message: ToWorker) => {
  if (message.type === "seed") engine.addSeed(message.input);
  else known.add(message.signature);
});

heartbeat.phase = Phase.running;
const maxRuns = config.maxRuns ?? Infinity;
const shouldStop = (): boolean => board.stopRequested;
while (!board.stopRequested && heartbeat.execs < maxRuns) {
  const stats = engine.runFor({
    maxTimeMs: SLICE_MS,
    maxRuns: maxRuns - heartbeat.execs,
    shouldStop,
  });
  post({ type: "status", counters: counters(stats) });
  // Let queued messages (shared seeds, known signatures) in.
  await new Promise((resolve) => setImmediate(resolve));
}
heartbeat.phase = Phase.done;
post({ type: "done", counters: counters(engine.stats()) });
port.close();
