/**
 * `atomic-pool-boot`: the DMA atomic pools (kernel/dma/pool.c) before and after Baoquan He's
 * has_managed_dma() series (v5.17), booted on x86_64, arm64 and Raspberry Pi 4 layouts of several
 * RAM sizes and on the x86_64 kdump kernel, then driven by atomic coherent allocations (spec 4
 * and 5). The question of the series: which boots warn, how large are the pools, and which
 * GFP_DMA and atomic allocations fail?
 */
import { type DmapoolModel, dmapoolModel } from "../../src/models/dmapool/index.js";
import type { PoolName } from "../../src/models/dmapool/pools.js";
import { DMAPOOL_VARIANTS } from "../../src/models/dmapool/variants.js";
import type { JobSpec } from "../../src/report/results.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { Rng } from "../../src/sim/rng.js";
import {
  POOL_BOOT_LAYOUTS,
  type PoolBootLayout,
  PoolTraffic,
} from "../../src/workloads/atomic-pool.js";
import { drawPoolMachine } from "../../src/workloads/atomic-pool-fleet.js";
import { type Suite, type SuiteJobResult, per } from "./suite.js";

/** Boot log lines that are not a pool's "preallocated" notice: warn_alloc splats and pr_err. */
const isWarning = (line: string) => !line.startsWith("DMA: preallocated");

function poolKib(sizes: Record<PoolName, number | null>): number {
  return 4 * ((sizes.kernel ?? 0) + (sizes.dma ?? 0) + (sizes.dma32 ?? 0));
}

/** The job's machine: a sampled one (crashkernel pinned by a sweep) or a scripted layout. */
function bootOf(job: JobSpec, rng: Rng): PoolBootLayout {
  if (job.workload === "fleet" || job.workload === "kdump-fleet") {
    const mib = job.sweep?.axis === "crashkernel-mib" ? job.sweep.value : undefined;
    return drawPoolMachine(rng.split("machine"), job.workload, mib);
  }
  const boot = POOL_BOOT_LAYOUTS.find((b) => b.name === job.workload);
  if (boot === undefined)
    throw new RangeError(`unknown atomic-pool-boot workload "${job.workload}"`);
  return boot;
}

function runJob(job: JobSpec): SuiteJobResult {
  const rng = Rng.seeded(job.seed);
  const boot = bootOf(job, rng);
  if (!DMAPOOL_VARIANTS.some((v) => v.name === job.variant)) {
    throw new RangeError(`unknown dmapool variant "${job.variant}"`);
  }
  const clock = new VirtualClock();
  const model = dmapoolModel.create(job.variant, {
    clock,
    rng: rng.split("model"),
  }) as DmapoolModel;
  const traffic = new PoolTraffic(boot, rng.split("workload"), job.ops);
  const booted = model.apply(traffic.bootOp());
  if (booted.kind !== "boot") throw new Error("boot returned no boot result");
  const bootKib = poolKib(booted.sizes);
  const sizes: [number, number][] = [[0, bootKib]];
  let kib = bootKib;
  let allocs = 0;
  let failures = 0;
  let dmaAllocs = 0;
  let dmaFailures = 0;
  let warnings = 0;
  let maskViolations = 0;
  for (let op = traffic.next(); op !== null; op = traffic.next()) {
    const r = model.apply(op);
    if (r.kind === "alloc") {
      allocs++;
      const dma = r.gfp.split("|").includes("GFP_DMA");
      if (dma) dmaAllocs++;
      warnings += r.warnings.length;
      if (r.pfn === null) {
        failures++;
        if (dma) dmaFailures++;
      } else {
        if (r.pfn + r.pages > r.limitPfn) maskViolations++;
        traffic.allocated(r.pfn, r.pages);
      }
    } else if (r.kind === "advance") {
      warnings += r.log.filter(isWarning).length;
      const now = poolKib(model.atomic.sizes());
      if (now !== kib) sizes.push([clock.now / 1e6, now]);
      kib = now;
    }
  }
  sizes.push([clock.now / 1e6, kib]);
  const bootWarnings = booted.log.filter(isWarning).length;
  // The next job in this worker reuses the machine's page words instead of faulting in new ones.
  model.release();
  return {
    metrics: {
      bootWarnings,
      poolKibAtBoot: bootKib,
      poolKibAtEnd: kib,
      gfpDmaFailureRate: per(dmaFailures, dmaAllocs),
      atomicFailureRate: per(failures, allocs),
      runtimeWarningsPerAlloc: per(warnings, allocs),
      maskViolations,
    },
    series: { poolKib: sizes },
  };
}

/** The suite. */
export const suite: Suite<SuiteJobResult> = {
  name: "atomic-pool-boot",
  description:
    "DMA atomic pools (kernel/dma/pool.c v5.16 and v6.6, i.e. before and after has_managed_dma()) booted on sampled x86_64, arm64, Raspberry Pi 4 and x86_64 kdump machines, then driven by GFP_ATOMIC coherent allocations of the machine's devices (24/30/32/64-bit masks); the scripted layouts (x86_64 1/8/64 GiB, arm64 4 GiB, RPi4 1/4 GiB, kdump 256M/512M) run with --scenarios.",
  model: "dmapool",
  variants: DMAPOOL_VARIANTS.map((v) => v.name),
  baseline: "pre-has-managed-dma",
  baselineReason:
    "pre-has-managed-dma is v5.16, the pool code of the kdump boot-warning reports, so each comparison says what Baoquan He's series (v5.17, stable 5.10/5.15) changes.",
  tradeoff:
    "Before has_managed_dma() every machine preallocates a GFP_DMA pool, so a kdump kernel whose ZONE_DMA has no managed pages warns at boot and GFP_DMA atomic allocations fail; the series skips that pool and sends GFP_DMA atomic requests to the other pools with a physical-address check, so the kdump boot is quiet and a request either satisfies its mask or fails. The sampled layouts and the crashkernel sweep show where each warns and fails, and what it costs elsewhere (nothing, by construction, on machines with a managed ZONE_DMA).",
  workloads: [
    {
      name: "fleet",
      description:
        "Sampled machines (src/workloads/atomic-pool-fleet.ts): x86_64 1-32 GiB, arm64 2-8 GiB, RPi4 1-8 GiB or the x86_64 kdump kernel with crashkernel=128-512M; each device present with p = 0.7, 30-60% of ops frees, coherent_pool=256K/1M on 10%",
    },
    {
      name: "kdump-fleet",
      description:
        "The x86_64 kdump kernel with crashkernel= uniform in 128-1024 MiB (32 MiB steps), the same device and traffic draws",
    },
  ],
  scenarios: POOL_BOOT_LAYOUTS.map(({ name, description }) => ({ name, description })),
  constantByConstruction: [
    {
      metric: "maskViolations",
      reason:
        "no variant returns memory above the device's mask (spec 5: it satisfies the mask or fails)",
    },
    {
      metric: "bootWarnings",
      variants: ["has-managed-dma"],
      reason:
        "the DMA pool is skipped when ZONE_DMA has no managed pages, so nothing warns at boot",
    },
  ],
  sweeps: [
    {
      name: "crashkernel-mib",
      label: "crashkernel size",
      description: "crashkernel= in MiB: the kdump kernel's RAM, all of it above 16 MiB",
      unit: "MiB",
      min: 64,
      max: 4096,
      integer: true,
      workloads: ["kdump-fleet"],
      full: { from: 128, to: 1024, steps: 5 },
      quick: { from: 128, to: 1024, steps: 3 },
    },
  ],
  metrics: [
    {
      key: "bootWarnings",
      label: "boot warnings",
      description:
        "kernel log lines at boot other than a pool's 'preallocated' notice: warn_alloc splats and 'DMA: failed to allocate' errors",
      unit: "count",
    },
    {
      key: "poolKibAtBoot",
      label: "pool KiB at boot",
      description: "KiB in the kernel, dma and dma32 pools after dma_atomic_pool_init",
      unit: "count",
    },
    {
      key: "poolKibAtEnd",
      label: "pool KiB at the end",
      description: "KiB in the three pools after the traffic (the expansion work grows them)",
      unit: "count",
    },
    {
      key: "gfpDmaFailureRate",
      label: "GFP_DMA failure rate",
      description:
        "atomic allocations whose mask made them GFP_DMA that returned NULL, per such allocation",
      unit: "rate",
    },
    {
      key: "atomicFailureRate",
      label: "atomic failure rate",
      description: "atomic allocations that returned NULL, per allocation",
      unit: "rate",
    },
    {
      key: "runtimeWarningsPerAlloc",
      label: "runtime WARNs per allocation",
      description:
        "WARN lines after boot ('Failed to get suitable pool', expansion splats), per atomic allocation",
      unit: "rate",
    },
    {
      key: "maskViolations",
      label: "mask violations",
      description:
        "allocations returned above the device's DMA mask (spec 5's oracle: the result satisfies the mask or fails), per trial",
      unit: "count",
    },
  ],
  rateChart: ["gfpDmaFailureRate", "atomicFailureRate"],
  series: [
    {
      key: "poolKib",
      label: "atomic pools",
      description: "KiB in the three pools against virtual time, as the expansion work grows them",
      kind: "time",
      unit: "KiB",
      timeUnit: "ms",
    },
  ],
  // A job is `ops` ops (alloc or free, and a 1 ms advance, alternately). The boot dominates:
  // ~5 ms at 1 GiB, 100-300 ms at 64 GiB; the traffic costs ~10 us per op.
  opsPerJob: { full: 10_000, quick: 2000 },
  runJob,
};
