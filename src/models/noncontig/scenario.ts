/**
 * The suspend/resume scenario after ChromiumOS power_LowMemorySuspend (autotest
 * client/site_tests/power_LowMemorySuspend, spec 2.3): open tabs until zram swap is half used,
 * then cycles of 15 tab switches, a 10 s suspend and a resume whose SOF firmware load allocates
 * a firmware-sized SG buffer from an async PM kworker under the suspend gfp mask (IO and FS
 * masked), frees it after the boot, and 10 s awake. Each cycle ends ok, audio lost (the buffer
 * allocation failed) or hang (the watchdog reboots the device, so the run stops).
 *
 * Modelling choices (assumptions, not kernel facts): a tab is a process; switching to a tab
 * faults in `switchPages` of its anon memory while the tab switched away from has its memory
 * trimmed in a pfn pattern (1 page kept in `stride`, as freed renderer memory leaves holes);
 * `fragment` makes long-lived kernel users (GPU, network) hold every free block of the firmware
 * order before each suspend, as on a machine that has been up for days. The ops applied are
 * returned as a trace, so the run replays with `dmafuzz replay --model noncontig`.
 */
import type { Rng } from "../../sim/rng.js";
import { pagesOrder } from "../pagealloc/dma-pages.js";
import type { BufferResult, NoncontigModel, NoncontigResult } from "./model.js";
import type { NoncontigOp } from "./ops.js";
import type { IommuKind } from "./device.js";

/** Scenario parameters. */
export interface LowMemorySuspendOptions {
  ramMib: number;
  /** zram size; the fill phase stops once half of it is used. */
  swapMib: number;
  iommu: IommuKind;
  cycles: number;
  /** Firmware buffer size in pages (SOF firmware images are a few hundred KiB). */
  firmwarePages: number;
  tabs: number;
  switchPages: number;
  stride: number;
  fragment: boolean;
}

export const LOW_MEMORY_SUSPEND_DEFAULTS: LowMemorySuspendOptions = {
  ramMib: 512,
  swapMib: 256,
  iommu: "none",
  cycles: 5,
  firmwarePages: 128,
  tabs: 24,
  switchPages: 1024,
  stride: 64,
  fragment: true,
};

/** One cycle's outcome. */
export interface CycleOutcome {
  outcome: "ok" | "audio-lost" | "hang";
  path: BufferResult["path"];
  latencyNs: number;
  chunks: number;
}

/** Runs the scenario on a fresh model; returns per-cycle outcomes and the trace of ops applied. */
export function runLowMemorySuspend(
  model: NoncontigModel,
  rng: Rng,
  partial: Partial<LowMemorySuspendOptions> = {},
): { cycles: CycleOutcome[]; trace: NoncontigOp[] } {
  const o = { ...LOW_MEMORY_SUSPEND_DEFAULTS, ...partial };
  const trace: NoncontigOp[] = [];
  const run = (op: NoncontigOp): NoncontigResult => {
    trace.push(op);
    return model.apply(op);
  };
  const count = (op: NoncontigOp) => {
    const r = run(op);
    return r.kind === "count" ? r.n : 0;
  };
  run({
    op: "boot",
    layout: "x86_64",
    ram_mib: o.ramMib,
    swap_mib: o.swapMib,
    cma_mib: 0,
    hang_ms: 120_000,
  });
  run({ op: "device", iommu: o.iommu, mask_bits: 64 });
  // Open tabs until SwapFree < 50% of SwapTotal (bounded: a fill that makes no progress stops).
  const swapTotal = o.swapMib * 256;
  for (let k = 0; model.pages.mm.swapFree > swapTotal / 2 && k < 64 * o.tabs; k++) {
    const pid = 1 + (k % o.tabs);
    if (count({ op: "fill", what: "anon", pages: o.switchPages, pid }) === 0 && k >= o.tabs) break;
  }
  const order = pagesOrder(o.firmwarePages);
  const cycles: CycleOutcome[] = [];
  let previous = 1;
  for (let c = 0; c < o.cycles; c++) {
    for (let s = 0; s < 15; s++) {
      const pid = rng.int(1, o.tabs);
      count({ op: "release", what: "anon", pid: previous, stride: o.stride, keep: 0 });
      count({ op: "fill", what: "anon", pages: o.switchPages, pid });
      previous = pid;
    }
    if (o.fragment) {
      // Long-lived kernel users take every free block of the firmware order (never freed).
      for (let n = 0; n < 4096; n++) {
        const r = run({
          op: "alloc",
          order,
          gfp: "GFP_NOWAIT|__GFP_NOWARN",
          comm: "gpu",
          worker: false,
        });
        if (r.kind !== "alloc" || r.outcome !== "ok") break;
      }
    }
    run({ op: "suspend", on: true });
    run({ op: "advance", ms: 10_000 });
    const fw = run({ op: "snd_alloc", pages: o.firmwarePages, comm: "kworker/u8:3", worker: true });
    if (fw.kind !== "buffer") throw new Error("snd_alloc returned no buffer result");
    const outcome = fw.outcome === "ok" ? "ok" : fw.outcome === "fail" ? "audio-lost" : "hang";
    cycles.push({ outcome, path: fw.path, latencyNs: fw.latencyNs, chunks: fw.chunks.length });
    if (outcome === "hang") break;
    if (fw.id !== null) run({ op: "buf_free", id: fw.id });
    run({ op: "suspend", on: false });
    run({ op: "advance", ms: 10_000 });
  }
  return { cycles, trace };
}
