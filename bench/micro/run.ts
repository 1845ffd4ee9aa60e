/**
 * `npm run bench:micro`: tinybench microbenchmarks of model hot paths, printed as a table and
 * written to reports/latest/micro.json. Run with node --expose-gc (the npm script does).
 */
import { cpus } from "node:os";
import { join } from "node:path";
import { defaultGoldenDir, thisPackage } from "../../src/paths.js";
import { writeFileAtomic } from "../../src/sim/atomic-write.js";
import { measureCmaAlloc } from "./cma-alloc.js";
import { measureIovaMemory } from "./iova-memory.js";
import { measurePageallocMemory } from "./pagealloc-memory.js";
import { measureReplay } from "./replay.js";
import { measureSwiotlbVariants } from "./swiotlb-variants.js";

const pkg = thisPackage();
const replay = await measureReplay(defaultGoldenDir(pkg.root));
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

const swiotlb = await measureSwiotlbVariants(defaultGoldenDir(pkg.root));
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
