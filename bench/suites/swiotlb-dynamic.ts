/**
 * `swiotlb-dynamic`: the static pool (at boot size and at swiotlb=131072), the dynamic pools as
 * merged and the RFC v1's per-mapping buffers, under the Raspberry Pi 4 dma-buf import, NVMe-like
 * streaming, dma-iommu bouncing for an untrusted device and small packets (spec part B.5). The
 * questions of the 2023 thread: which designs map multi-MiB frames at all, what they reserve over
 * time, what each map and lookup costs, and which allocate with GFP_KERNEL from where.
 */
import { SwiotlbModel } from "../../src/models/swiotlb/model.js";
import { findSwiotlbVariant } from "../../src/models/swiotlb/variants.js";
import type { JobSpec } from "../../src/report/results.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { Rng } from "../../src/sim/rng.js";
import {
  findSwiotlbProfile,
  SWIOTLB_PROFILES,
  type SwiotlbProfile,
  SwiotlbTraffic,
} from "../../src/workloads/swiotlb.js";
import { drawRpi4Board } from "../../src/workloads/swiotlb-fleet.js";
import { MAX_MAPPING_BYTES } from "../../src/oracles/swiotlb.js";
import { type Suite, type SuiteJobResult, per } from "./suite.js";

/** Suite variants: a model variant, and the pool size when it is not the boot default. */
const SETTINGS: Readonly<Record<string, { variant: string; nslabs?: number }>> = {
  "v6.9": { variant: "v6.9" },
  "v6.9-256M": { variant: "v6.9", nslabs: 131072 },
  "v6.9-dynamic": { variant: "v6.9-dynamic" },
  "rfc-v1": { variant: "rfc-v1" },
};

const MIB = 2 ** 20;

/** The job's workload: a sampled board (axes pinned by a sweep) or a scripted profile. */
function profileOf(job: JobSpec, rng: Rng): SwiotlbProfile {
  if (job.workload !== "rpi4-fleet") return findSwiotlbProfile(job.workload);
  const { axis, value } = job.sweep ?? {};
  return drawRpi4Board(rng.split("machine"), {
    ...(axis === "frame-mib" && { frameMib: value }),
    ...(axis === "pool-mib" && { poolMib: value }),
  }).profile;
}

function runJob(job: JobSpec): SuiteJobResult {
  const setting = SETTINGS[job.variant];
  const config = setting && findSwiotlbVariant(setting.variant);
  if (setting === undefined || config === undefined) {
    throw new RangeError(`unknown swiotlb-dynamic variant "${job.variant}"`);
  }
  const rng = Rng.seeded(job.seed);
  const profile = profileOf(job, rng);
  const init = setting.nslabs === undefined ? {} : { nslabs: setting.nslabs };
  const workload = new SwiotlbTraffic(profile, rng.split("workload"), job.ops, init);
  const clock = new VirtualClock();
  const model = new SwiotlbModel(config, { clock, rng: rng.split("model") });
  let maps = 0;
  let failures = 0;
  let oversize = 0;
  let oversizeFailures = 0;
  let reservedSum = 0;
  let samples = 0;
  let peak = 0;
  const reservedOverTime: [number, number][] = [];
  for (let op = workload.next(); op !== null; op = workload.next()) {
    const result = model.apply(op);
    if (op.op === "map" && result.kind === "map") {
      maps++;
      const big = op.alloc_size > MAX_MAPPING_BYTES;
      if (big) oversize++;
      if (result.tlb === null) {
        failures++;
        if (big) oversizeFailures++;
      }
    } else if (op.op === "advance") {
      const reserved = model.reservedBytes();
      reservedSum += reserved;
      samples++;
      peak = Math.max(peak, reserved);
      reservedOverTime.push([clock.now / 1e9, reserved / MIB]);
    }
    workload.observe(op, result);
  }
  const pools = model.poolCounters;
  const rfc = model.rfcBuffers?.counters;
  const lookups = pools.lookups + (rfc?.treeLookups ?? 0);
  const totals = model.pageSource?.totals;
  const metrics = {
    mapFailureRate: per(failures, maps),
    oversizeFailureRate: per(oversizeFailures, oversize),
    peakReservedMiB: peak / MIB,
    meanReservedMiB: per(reservedSum, samples) / MIB,
    slotsScannedPerMap: per(model.pools.slotsChecked(), maps),
    poolsWalkedPerLookup: per(pools.poolsWalked + (rfc?.treeLevels ?? 0), lookups),
    gfpKernelAllocs: totals?.kernel ?? 0,
    gfpNowaitAllocs: totals?.nowait ?? 0,
  };
  return { metrics, series: { reservedMiB: reservedOverTime } };
}

/** The suite. */
export const suite: Suite<SuiteJobResult> = {
  name: "swiotlb-dynamic",
  description:
    "swiotlb designs (kernel/dma/swiotlb.c v6.9 static at its boot size and at 256 MiB, CONFIG_SWIOTLB_DYNAMIC as merged, the March 2023 RFC v1) on sampled Raspberry Pi 4 boards importing dma-buf frames (RAM, frame size, boot pool, frames in flight, frame rate and buffer layout drawn per trial); the scripted NVMe, untrusted-device and packet profiles run with --scenarios.",
  tradeoff:
    "A static pool is cheap to search and never allocates at run time, but a frame larger than it (or one mapping over 256 KiB) fails; a 256 MiB pool maps more frames by reserving that memory for good; the merged dynamic pools grow on demand (GFP_KERNEL from a worker, GFP_NOWAIT transient pools in the map path) and pay with pools walked per lookup; the RFC's per-mapping buffers map anything at the cost of page allocations in the I/O path. The sweeps show failures, bounce memory and lookup cost as frames and pools grow.",
  model: "swiotlb",
  variants: Object.keys(SETTINGS),
  baseline: "v6.9",
  baselineReason:
    "v6.9 with the boot-time 64 MiB pool is what a distribution kernel runs (CONFIG_SWIOTLB_DYNAMIC defaults to n), so each comparison says what a bigger pool, the merged dynamic pools or the RFC change.",
  workloads: [
    {
      name: "rpi4-fleet",
      description:
        "Sampled Raspberry Pi 4 boards (src/workloads/swiotlb-fleet.ts; 30-bit vc4, no IOMMU): RAM 2/4/8 GiB, 720p-4K frames, a 32/64/128 MiB boot pool, 2-4 frames in flight at 30 or 60 Hz, 10-40% of v3d's segments 68 KiB-1 MiB runs",
    },
  ],
  scenarios: SWIOTLB_PROFILES.map(({ name, description }) => ({ name, description })),
  metrics: [
    {
      key: "mapFailureRate",
      label: "map failure rate",
      description: "swiotlb_tbl_map_single calls that returned DMA_MAPPING_ERROR, per map",
      unit: "rate",
    },
    {
      key: "oversizeFailureRate",
      label: "failure rate of maps over 256 KiB",
      description:
        "maps of more than IO_TLB_SEGSIZE slots (256 KiB) that failed, per such map (0 when there were none)",
      unit: "rate",
    },
    {
      key: "peakReservedMiB",
      label: "peak bounce memory (MiB)",
      description:
        "the largest bounce memory held at a burst boundary: every pool (transient ones included) and the RFC's buffers",
      unit: "count",
    },
    {
      key: "meanReservedMiB",
      label: "mean bounce memory (MiB)",
      description:
        "bounce memory held, averaged over the burst boundaries (bytes reserved over time)",
      unit: "count",
    },
    {
      key: "slotsScannedPerMap",
      label: "slots scanned per map",
      description: "slots examined by swiotlb_search_pool_area over all pools, per map",
      unit: "count",
    },
    {
      key: "poolsWalkedPerLookup",
      label: "pools walked per lookup",
      description:
        "pools compared by swiotlb_find_pool or a range check (and maple-tree levels descended by the RFC), per lookup: maps, unmaps, syncs and frees each look up as their kernel call sites do",
      unit: "count",
    },
    {
      key: "gfpKernelAllocs",
      label: "GFP_KERNEL page allocations",
      description:
        "alloc_pages calls that may sleep and start I/O (growth worker, RFC with DMA_ATTR_MAY_SLEEP)",
      unit: "count",
    },
    {
      key: "gfpNowaitAllocs",
      label: "GFP_NOWAIT page allocations",
      description:
        "alloc_pages calls that cannot sleep (transient pools, RFC without DMA_ATTR_MAY_SLEEP)",
      unit: "count",
    },
  ],
  rateChart: ["mapFailureRate", "oversizeFailureRate"],
  series: [
    {
      key: "reservedMiB",
      label: "bounce memory held",
      description:
        "every pool (transient ones included) and the RFC's buffers, at each burst boundary, against virtual time",
      kind: "time",
      unit: "MiB",
      timeUnit: "s",
    },
  ],
  constantByConstruction: [
    ...["gfpKernelAllocs", "gfpNowaitAllocs", "poolsWalkedPerLookup", "oversizeFailureRate"].map(
      (metric) => ({
        metric,
        variants: ["v6.9", "v6.9-256M"],
        reason:
          "a static pool: no page allocation after boot, one pool per lookup, and every mapping over IO_TLB_SEGSIZE (256 KiB) fails (1, or 0 in a trial without one)",
      }),
    ),
    {
      metric: "oversizeFailureRate",
      variants: ["v6.9-dynamic"],
      reason:
        "the dynamic pools keep the slot search and its IO_TLB_SEGSIZE (256 KiB) limit, so every mapping over it fails (1, or 0 in a trial without one)",
    },
    ...["mapFailureRate", "oversizeFailureRate", "slotsScannedPerMap", "gfpNowaitAllocs"].map(
      (metric) => ({
        metric,
        variants: ["rfc-v1"],
        workloads: ["rpi4-fleet"],
        reason:
          "every RPi4 import map carries DMA_ATTR_MAY_SLEEP, so the RFC gives each mapping its own buffer from the page allocator with GFP_KERNEL: no slot search, no GFP_NOWAIT allocation, and on boards of 2 GiB and more no failure",
      }),
    ),
    ...["peakReservedMiB", "meanReservedMiB"].map((metric) => ({
      metric,
      variants: ["v6.9-256M"],
      reason: "a static pool of 256 MiB holds 256 MiB",
    })),
    ...["peakReservedMiB", "meanReservedMiB"].map((metric) => ({
      metric,
      variants: ["v6.9"],
      axis: "pool-mib",
      reason: "a static pool holds its boot size, which the pool-mib sweep pins",
    })),
  ],
  sweeps: [
    {
      name: "frame-mib",
      label: "frame size",
      description: "the imported frame's size in MiB at 4 bytes per pixel (1080p is 7.9, 4K 31.6)",
      unit: "MiB",
      min: 0.01,
      max: 256,
      integer: false,
      workloads: ["rpi4-fleet"],
      full: { from: 4, to: 64, steps: 5 },
      quick: { from: 4, to: 64, steps: 3 },
    },
    {
      name: "pool-mib",
      label: "boot pool size",
      description: "swiotlb= at boot in MiB (v6.9-256M keeps its 256 MiB)",
      unit: "MiB",
      min: 1,
      max: 1024,
      integer: true,
      workloads: ["rpi4-fleet"],
      full: { from: 16, to: 128, steps: 5 },
      quick: { from: 16, to: 128, steps: 3 },
    },
  ],
  opsPerJob: { full: 12_000, quick: 3_000 },
  runJob,
};
