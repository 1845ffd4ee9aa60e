/**
 * `iova-longrun`: every IOVA variant under dma-iommu traffic that fragments the 32-bit window, as
 * on a long-running system. The question is the seed report's (5b61343b5059): does a stale
 * max32_alloc_size refuse allocations that fit, and which kernels walk or fail more?
 */
import { IovaModel } from "../../src/models/iova/model.js";
import { findIovaVariant, IOVA_VARIANTS } from "../../src/models/iova/variants.js";
import { findFit } from "../../src/oracles/iova.js";
import type { JobSpec } from "../../src/report/results.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { Rng } from "../../src/sim/rng.js";
import { fls, pow2 } from "../../src/sim/u64.js";
import { createIovaWorkload, IOVA_PROFILES } from "../../src/workloads/iova.js";
import { type Suite, per } from "./suite.js";

function runJob(job: JobSpec): Record<string, number> {
  const config = findIovaVariant(job.variant);
  if (config === undefined) throw new RangeError(`unknown iova variant "${job.variant}"`);
  const rng = Rng.seeded(job.seed);
  // Separate streams: the workload's draws do not depend on whether the model draws.
  const f = job.sweep?.axis === "fragmentation" ? job.sweep.value : undefined;
  const workload = createIovaWorkload(job.workload, rng.split("workload"), job.ops, f);
  const model = new IovaModel(config, { clock: new VirtualClock(), rng: rng.split("model") });
  let reserved = 0;
  let spurious = 0;
  for (let op = workload.next(); op !== null; op = workload.next()) {
    const result = model.apply(op);
    if (result.kind === "reserve" && result.ok) reserved++;
    if (result.kind === "alloc" && result.pfn === null && op.op === "alloc_fast") {
      // The workload rounds sizes below 32 as dma-iommu does, so op.size is what the tree got;
      // alloc_iova_fast is always size-aligned.
      const domain = model.iovaDomain;
      if (findFit(domain, op.size, op.limit_pfn + 1, pow2(fls(op.size - 1))) !== null) spurious++;
    }
    workload.observe(op, result);
  }
  const { allocs, allocFailures, rcacheHits, nodesWalked } = model.counters;
  return {
    failureRate: per(allocFailures, allocs),
    spuriousFailureRate: per(spurious, allocs),
    nodesWalkedPerAlloc: per(nodesWalked, allocs),
    rcacheHitRate: per(rcacheHits, allocs),
    // The anchor and the set-up reservations are not IOVAs anyone allocated.
    liveIovas: model.iovaDomain.tree.size - 1 - reserved,
  };
}

/** The suite. */
export const suite: Suite = {
  name: "iova-longrun",
  description:
    "IOVA allocator variants (drivers/iommu/iova.c, v5.10 to v6.7) under sampled dma-iommu domains whose traffic fragments the 32-bit IOVA window: devices, masks, lifetimes and CPUs drawn per trial; the scripted streaming, fragmenting and mixed-masks profiles run with --scenarios.",
  tradeoff:
    "max32_alloc_size lets a 32-bit allocation fail fast instead of walking a full window, but before 5b61343b5059 (v5.18) a stale value refuses requests that fit once the window is fragmented; the fix resets it on free, and later kernels trade walk length for rcache depth. The sweep shows spurious failures and nodes walked per allocation as fragmentation rises.",
  model: "iova",
  variants: IOVA_VARIANTS.map((v) => v.name),
  // v5.17 is the kernel of the seed report, the last one before 5b61343b5059: every comparison
  // then reads as "what did the fix (and what came before and after it) change".
  baseline: "v5.17",
  baselineReason:
    "v5.17 is the pre-fix kernel of the seed report (the last release before 5b61343b5059), so each comparison says what later fixes, or the older code, change.",
  workloads: [
    {
      name: "fleet",
      description:
        "Sampled domains (src/workloads/iova-fleet.ts, 64 KiB granule): long-lived receive buffers and rings at 10-70% of requests with lifetimes of 1,000-21,000 requests (fragmentation uniform in [0, 1]), short transmit buffers, frame buffers, a 64-bit PCI NIC on half of them and a 30-bit codec on 30%, 2-8 CPUs",
    },
  ],
  scenarios: IOVA_PROFILES.map(({ name, description }) => ({ name, description })),
  sweeps: [
    {
      name: "fragmentation",
      label: "fragmentation",
      description:
        "f: the share of long-lived mappings (10% + 60% f) and their mean lifetime (1,000 + 20,000 f requests)",
      unit: "",
      min: 0,
      max: 1,
      integer: false,
      workloads: ["fleet"],
      full: { from: 0, to: 1, steps: 5 },
      quick: { from: 0, to: 1, steps: 3 },
    },
  ],
  metrics: [
    {
      key: "failureRate",
      label: "failure rate",
      description:
        "alloc_iova_fast calls that returned no IOVA, per call (a 64-bit PCI device's try below 4 GiB is a call of its own)",
      unit: "rate",
    },
    {
      key: "spuriousFailureRate",
      label: "spurious failure rate",
      description:
        "alloc_iova_fast calls that failed although an exhaustive scan (findFit) finds a free, size-aligned range below the limit, per call",
      unit: "rate",
    },
    {
      key: "nodesWalkedPerAlloc",
      label: "nodes walked per allocation",
      description: "rbtree nodes visited by the allocation walks, per alloc_iova_fast call",
      unit: "count",
    },
    {
      key: "rcacheHitRate",
      label: "rcache hit rate",
      description: "alloc_iova_fast calls served from a per-CPU magazine or the depot, per call",
      unit: "rate",
    },
    {
      key: "liveIovas",
      label: "live IOVAs at the end",
      description: "IOVAs in the tree after the last op, cached ones included",
      unit: "count",
    },
  ],
  rateChart: ["failureRate", "spuriousFailureRate"],
  opsPerJob: { full: 120_000, quick: 60_000 },
  runJob,
};
