/**
 * Memory of one million live IOVAs: a v6.7 domain filled with 1-page allocations below a 36-bit
 * limit, measured after a forced GC (run node with --expose-gc). The figure is the growth of V8
 * heap plus ArrayBuffer memory, since the tree lives in typed arrays.
 */
import { iovaModel } from "../../src/models/iova/index.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { Rng } from "../../src/sim/rng.js";
import { settledMemory } from "./settle.js";

/** The memory figure for `count` live IOVAs. */
export interface MemoryFigure {
  liveIovas: number;
  heapBytes: number;
  arrayBufferBytes: number;
  totalBytes: number;
  bytesPerIova: number;
  /** Wall time to allocate them all, for orientation only. */
  allocMs: number;
}

/** Allocates `count` IOVAs and reports what they cost. */
export function measureIovaMemory(count = 1_000_000): MemoryFigure {
  const before = settledMemory();
  const model = iovaModel.create("v6.7", { clock: new VirtualClock(), rng: Rng.seeded(1) });
  model.apply({ op: "init", granule: 4096, start_pfn: 1, cpus: 4 });
  const op = { op: "alloc", size: 1, limit_pfn: 2 ** 36 - 1, aligned: false } as const;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const result = model.apply(op);
    if (result.kind !== "alloc" || result.pfn === null) throw new Error(`allocation ${i} failed`);
  }
  const allocMs = performance.now() - start;
  const after = settledMemory();
  const heapBytes = after.heapUsed - before.heapUsed;
  const arrayBufferBytes = after.arrayBuffers - before.arrayBuffers;
  const totalBytes = heapBytes + arrayBufferBytes;
  // Keep the model reachable until after the measurement.
  if (model.check.length < 0) console.log(model.variant);
  return {
    liveIovas: count,
    heapBytes,
    arrayBufferBytes,
    totalBytes,
    bytesPerIova: Number((totalBytes / count).toFixed(1)),
    allocMs: Math.round(allocMs),
  };
}
