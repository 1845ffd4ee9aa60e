/**
 * `npm run bench:micro [-- --out DIR] [--baseline results.json]`: tinybench microbenchmarks of
 * model hot paths, printed as tables, written to reports/latest/micro.json and as a benchmark
 * report (results.json, report.md, index.html) in DIR (default reports/micro), against an
 * earlier micro results.json with --baseline. Run with node --expose-gc (the npm script does).
 */
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { TraceError } from "../../src/sim/jsonl.js";
import { captureEnvironment } from "../runner/environment.js";
import { microResults, writeMicroReport } from "./report.js";
import { goldenDirs, packageGoldenDir, thisPackage } from "../../src/paths.js";
import { writeFileAtomic } from "../../src/sim/atomic-write.js";
import { measureCmaAlloc } from "./cma-alloc.js";
import { measureIovaMemory } from "./iova-memory.js";
import { measurePageallocMemory } from "./pagealloc-memory.js";
import { measureReplay } from "./replay.js";
import { measureSwiotlbVariants } from "./swiotlb-variants.js";

const pkg = thisPackage();
const { values: args } = parseArgs({
  options: { out: { type: "string" }, baseline: { type: "string" } },
});
const startedAt = new Date().toISOString();
const started = performance.now();
const replay = await measureReplay(goldenDirs(pkg.root));
console.log("Model replay throughput (parse excluded, fresh model per iteration):");
console.table(
  replay.figures.map((f) => ({
    trace: f.trace,
    variant: f.variant,
    ops: f.ops,
    "ops/s": f.opsPerSecond.toLocaleString("en-US"),
    "±%": f.rme,
    samples: f.samples,
  })),
);
for (const name of replay.missing) console.log(`not measured: ${name} is not in the golden folder`);

const swiotlb = await measureSwiotlbVariants(packageGoldenDir(pkg.root));
console.log("swiotlb map+unmap throughput per variant on random-01 (set-up excluded):");
console.table(swiotlb.map((f) => ({ ...f, opsPerSecond: f.opsPerSecond.toLocaleString("en-US") })));

const memory = measureIovaMemory();
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
console.log(
  `IOVA memory: ${memory.liveIovas.toLocaleString("en-US")} live IOVAs take ${mib(memory.totalBytes)} MiB ` +
    `(heap ${mib(memory.heapBytes)} MiB + typed arrays ${mib(memory.arrayBufferBytes)} MiB, ` +
    `${memory.bytesPerIova} B each), allocated in ${memory.allocMs} ms`,
);

const pagealloc = measurePageallocMemory();
console.log(`Page allocator: ${JSON.stringify(pagealloc)}`);

const cma = await measureCmaAlloc();
console.log("cma_alloc latency per policy (virtual time; scenario runs per second in real time):");
console.table(
  cma.figures.map((f) => ({
    policy: f.variant,
    pins: f.pins,
    "ok/fail/hang": `${f.ok}/${f.fail}/${f.hang}`,
    "median ms": f.medianMs,
    "p95 ms": f.p95Ms,
    "runs/s": f.runsPerSecond,
  })),
);

const out = join(pkg.root, "reports", "latest", "micro.json");
const environment = {
  node: process.version,
  v8: process.versions.v8,
  cpu: cpus()[0]?.model,
  cores: cpus().length,
};
writeFileAtomic(
  out,
  `${JSON.stringify({ environment, replay, swiotlb, memory, pagealloc, cma }, null, 2)}\n`,
);
console.log(`written: ${out}`);

const outDir = resolve(args.out ?? join(pkg.root, "reports", "micro"));
const results = microResults(
  { replay, memory, pagealloc, cma },
  captureEnvironment(pkg.root, pkg.version),
  startedAt,
  Math.round(performance.now() - started),
);
try {
  console.log(`report: ${await writeMicroReport(outDir, results, args.baseline)}`);
} catch (error) {
  // A bad --baseline file is bad input: one line, exit 2.
  if (!(error instanceof TraceError)) throw error;
  console.error(`bench:micro: ${error.message}`);
  process.exitCode = 2;
}
