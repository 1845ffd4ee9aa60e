/**
 * Page allocator figures: heap plus typed-array bytes per simulated 4 KiB page after booting a
 * 64 GiB x86_64 machine (run node with --expose-gc), the boot time, and order-0 alloc+free pairs
 * per second on the booted machine (the `alloc`/`free` ops, fast path).
 */
import { pagealloc } from "../../src/models/pagealloc/index.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { Rng } from "../../src/sim/rng.js";
import { settledMemory } from "./settle.js";

/** The figures of one measurement. */
export interface PageallocFigures {
  ramMib: number;
  pages: number;
  bytesPerPage: number;
  bootMs: number;
  allocFreePairsPerSecond: number;
}

/** Boots `ramMib` of x86_64 and measures memory, boot time and alloc+free throughput. */
export function measurePageallocMemory(ramMib = 65536, pairs = 2_000_000): PageallocFigures {
  const before = settledMemory();
  const model = pagealloc.create("v6.8", { clock: new VirtualClock(), rng: Rng.seeded(1) });
  const start = performance.now();
  model.apply({
    op: "boot",
    layout: "x86_64",
    ram_mib: ramMib,
    swap_mib: 0,
    cma_mib: 0,
    hang_ms: 120_000,
  });
  const bootMs = performance.now() - start;
  const after = settledMemory();
  const bytes = after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
  const pages = ramMib * 256;
  const alloc = { op: "alloc", order: 0, gfp: "GFP_KERNEL", comm: "bench", worker: false } as const;
  const t0 = performance.now();
  for (let k = 0; k < pairs; k++) {
    const r = model.apply(alloc);
    if (r.kind !== "alloc" || r.pfn === null) throw new Error(`allocation ${k} failed`);
    model.apply({ op: "free", pfn: r.pfn, order: 0 });
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    ramMib,
    pages,
    bytesPerPage: Number((bytes / pages).toFixed(2)),
    bootMs: Math.round(bootMs),
    allocFreePairsPerSecond: Math.round(pairs / seconds),
  };
}
