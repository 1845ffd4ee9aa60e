/**
 * Sampled machines for the `alsa-resume` benchmark: each trial draws a Chromebook-like machine and
 * its history from stated distributions, then runs power_LowMemorySuspend-style resume cycles on
 * it (the scripted form is src/models/noncontig/scenario.ts, spec 2.3). One parameter, memory
 * pressure p in [0, 1], sets the means of three of the draws; a sweep pins p, a headline trial
 * draws it uniformly. Every distribution is an assumption chosen to cover the regimes of the seed
 * thread, not a measurement of a fleet:
 *
 * - RAM 512 MiB (40%), 768 MiB (30%) or 1 GiB (30%); zram of 0.5x, 1x or 1.5x RAM (equally
 *   likely). (Small machines: the regimes are the same on larger ones, and a trial costs less.)
 * - Swap use before cycling starts: tabs are opened until zram is u full, u = 0.1 + 0.8p, +-0.05.
 * - How fragmentation arose: 12-32 tabs, tab switches fault in 256-2048 pages (log-uniform) and
 *   trim the tab switched away from to 1 page in `stride` (16, 32, 64 or 128): freed renderer
 *   memory leaves holes below the firmware order. Before each suspend, long-lived kernel users
 *   (GPU, network) take each free block of the firmware order with probability phi = p +-0.1
 *   and keep it for good, as on a machine up for days.
 * - Page cache read in before each suspend: 1 to 10% of RAM (uniform), what NOIO reclaim can free
 *   at resume (anonymous memory needs swap I/O, which the suspend gfp mask forbids).
 * - Competition around the suspend, a = clamp(3p - 2 +-0.1, 0, 1) (none below p = 0.6): before
 *   it, long-lived kernel
 *   memory takes a share a of the free pages above the high watermark; at resume, other devices'
 *   resume work (RX ring refills) takes GFP_ATOMIC pages until free memory is down to
 *   (1 - a/2) of the min watermark (atomic requests may dip below it) before the firmware load.
 *   Both are given back after it.
 * - Firmware buffer: 128 pages (60%), 256 (25%) or 64 (15%); device mask 64 bits (70%) or 32.
 *
 * So light pressure leaves high-order blocks and free memory; fragmentation (high p) leaves no
 * block of the firmware order, where a contiguous __GFP_RETRY_MAYFAIL request in NOIO hangs on
 * v6.6; heavy pressure (p near 1) leaves free memory below the min watermark at resume, where a
 * __GFP_NORETRY request of the smallest order fails after one reclaim pass while
 * __GFP_RETRY_MAYFAIL reclaims page cache until it succeeds, if there is page cache to reclaim.
 */
import type { IommuKind } from "../models/noncontig/device.js";
import type { NoncontigModel, NoncontigResult } from "../models/noncontig/index.js";
import type { NoncontigOp } from "../models/noncontig/ops.js";
import type { CycleOutcome } from "../models/noncontig/scenario.js";
import { pagesOrder } from "../models/pagealloc/dma-pages.js";
import type { Rng } from "../sim/rng.js";
import { pickWeighted } from "./distributions.js";

/** One sampled machine and its history's parameters. */
export interface AlsaMachine {
  pressure: number;
  ramMib: number;
  swapMib: number;
  /** Fraction of zram in use when cycling starts. */
  swapUse: number;
  tabs: number;
  switchPages: number;
  stride: number;
  /** Probability that a long-lived kernel user keeps a free block of the firmware order. */
  holdProbability: number;
  /** Page cache pages read in before each suspend. */
  filePages: number;
  /** Competition around the suspend, in [0, 1] (see the file comment). */
  atomicShare: number;
  firmwarePages: number;
  maskBits: number;
  iommu: IommuKind;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const jitter = (rng: Rng, width: number) => (rng.float() * 2 - 1) * width;

/** Draws a machine; `pressure` pins p (a sweep point), otherwise p is uniform in [0, 1]. */
export function drawAlsaMachine(rng: Rng, iommu: IommuKind, pressure?: number): AlsaMachine {
  const p = pressure ?? rng.float();
  const ramMib = pickWeighted(rng, [
    { weight: 0.4, v: 512 },
    { weight: 0.3, v: 768 },
    { weight: 0.3, v: 1024 },
  ]).v;
  const swapMib = Math.round((ramMib * rng.pick([1, 2, 3])) / 2);
  return {
    pressure: p,
    ramMib,
    swapMib,
    swapUse: clamp01(0.1 + 0.8 * p + jitter(rng, 0.05)),
    tabs: rng.int(12, 32),
    switchPages: Math.round(2 ** (8 + 3 * rng.float())),
    stride: rng.pick([16, 32, 64, 128]),
    holdProbability: clamp01(p + jitter(rng, 0.1)),
    filePages: Math.floor((0.01 + 0.09 * rng.float()) * ramMib * 256),
    atomicShare: clamp01(3 * p - 2 + jitter(rng, 0.1)),
    firmwarePages: pickWeighted(rng, [
      { weight: 0.6, v: 128 },
      { weight: 0.25, v: 256 },
      { weight: 0.15, v: 64 },
    ]).v,
    maskBits: rng.bool(0.7) ? 64 : 32,
    iommu,
  };
}

/** Resume cycles on one boot of `machine` until `cycles` ran or one hung (the watchdog reboots). */
export function runAlsaMachine(
  model: NoncontigModel,
  machine: AlsaMachine,
  rng: Rng,
  cycles: number,
): CycleOutcome[] {
  const m = machine;
  const run = (op: NoncontigOp): NoncontigResult => model.apply(op);
  const count = (op: NoncontigOp) => {
    const r = run(op);
    return r.kind === "count" ? r.n : 0;
  };
  run({
    op: "boot",
    layout: "x86_64",
    ram_mib: m.ramMib,
    swap_mib: m.swapMib,
    cma_mib: 0,
    hang_ms: 120_000,
  });
  run({ op: "device", iommu: m.iommu, mask_bits: m.maskBits });
  const swapTotal = m.swapMib * 256;
  const target = swapTotal * (1 - m.swapUse);
  for (let k = 0; model.pages.mm.swapFree > target && k < 64 * m.tabs; k++) {
    const pid = 1 + (k % m.tabs);
    if (count({ op: "fill", what: "anon", pages: m.switchPages, pid }) === 0 && k >= m.tabs) break;
  }
  const order = pagesOrder(m.firmwarePages);
  const out: CycleOutcome[] = [];
  let previous = 1;
  for (let c = 0; c < cycles; c++) {
    for (let s = 0; s < 15; s++) {
      const pid = rng.int(1, m.tabs);
      count({ op: "release", what: "anon", pid: previous, stride: m.stride, keep: 0 });
      count({ op: "fill", what: "anon", pages: m.switchPages, pid });
      previous = pid;
    }
    holdFirmwareOrderBlocks(run, order, m.holdProbability, rng);
    if (m.filePages > 0) count({ op: "fill", what: "file", pages: m.filePages, pid: 0 });
    const kernel = Math.floor(m.atomicShare * Math.max(0, freePages(model) - watermark(model, 2)));
    if (kernel > 0) count({ op: "fill", what: "kernel", pages: kernel, pid: 0 });
    run({ op: "suspend", on: true });
    run({ op: "advance", ms: 10_000 });
    const floor = m.atomicShare > 0 ? (1 - m.atomicShare / 2) * watermark(model, 0) : Infinity;
    const atomic = takeAtomic(run, model, floor);
    const fw = run({ op: "snd_alloc", pages: m.firmwarePages, comm: "kworker/u8:3", worker: true });
    if (fw.kind !== "buffer") throw new Error("snd_alloc returned no buffer result");
    const outcome = fw.outcome === "ok" ? "ok" : fw.outcome === "fail" ? "audio-lost" : "hang";
    out.push({ outcome, path: fw.path, latencyNs: fw.latencyNs, chunks: fw.chunks.length });
    if (outcome === "hang") break;
    for (const pfn of atomic) run({ op: "free", pfn, order: 0 });
    if (kernel > 0) count({ op: "release", what: "kernel", pid: 0, stride: 1, keep: 1 });
    if (fw.id !== null) run({ op: "buf_free", id: fw.id });
    run({ op: "suspend", on: false });
    run({ op: "advance", ms: 10_000 });
  }
  return out;
}

type Apply = (op: NoncontigOp) => NoncontigResult;

/** Long-lived kernel users take every free block of `order`, then give back each with 1 - hold. */
function holdFirmwareOrderBlocks(run: Apply, order: number, hold: number, rng: Rng): void {
  if (hold <= 0) return;
  const taken: number[] = [];
  for (let n = 0; n < 4096; n++) {
    const r = run({
      op: "alloc",
      order,
      gfp: "GFP_NOWAIT|__GFP_NOWARN",
      comm: "gpu",
      worker: false,
    });
    if (r.kind !== "alloc" || r.outcome !== "ok" || r.pfn === null) break;
    taken.push(r.pfn);
  }
  for (const pfn of taken) if (!rng.bool(hold)) run({ op: "free", pfn, order });
}

/** GFP_ATOMIC order-0 allocations by other resume work until free memory is at `floor`. */
function takeAtomic(run: Apply, model: NoncontigModel, floor: number): number[] {
  const pfns: number[] = [];
  for (let free = freePages(model); free > floor; free--) {
    const r = run({
      op: "alloc",
      order: 0,
      gfp: "GFP_ATOMIC|__GFP_NOWARN",
      comm: "irq/rx",
      worker: false,
    });
    if (r.kind !== "alloc" || r.outcome !== "ok" || r.pfn === null) break;
    pfns.push(r.pfn);
  }
  return pfns;
}

function freePages(model: NoncontigModel): number {
  return model.pages.mm.node.zones.reduce((sum, z) => sum + z.freePages, 0);
}

/** The sum over zones of watermark `which` (0 min, 1 low, 2 high). */
function watermark(model: NoncontigModel, which: 0 | 1 | 2): number {
  return model.pages.mm.node.zones.reduce((sum, z) => sum + (z.wmark[which] as number), 0);
}
