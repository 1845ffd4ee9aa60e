/**
 * `alsa-resume`: the ALSA memalloc policies (sound/core/memalloc.c, upstream and the February 2024
 * proposals) on the v6.6 and v6.8 page allocators, with and without an IOMMU, over
 * power_LowMemorySuspend-style resume cycles (spec 2.3 and 5). The question of the "ALSA: memalloc:
 * Fix indefinite hang in non-iommu case" thread: which policy hangs the resume, which loses
 * audio, at what memory pressure, and what does each cost in allocation latency and chunks?
 */
import { findNoncontigVariant, NONCONTIG_VARIANTS } from "../../src/models/noncontig/variants.js";
import type { CycleOutcome } from "../../src/models/noncontig/scenario.js";
import type { JobSpec } from "../../src/report/results.js";
import { Rng } from "../../src/sim/rng.js";
import {
  ALSA_FLEET_WORKLOADS,
  ALSA_RESUME_SCENARIOS,
  runFleetTrial,
  runResumeTrial,
} from "../../src/workloads/alsa-resume.js";
import { latencyMetricInfos, latencyMetrics } from "./latency.js";
import type { Suite, SuiteJobResult } from "./suite.js";

function trialOf(job: JobSpec): CycleOutcome[] {
  const rng = Rng.seeded(job.seed);
  const fleet = ALSA_FLEET_WORKLOADS.find((w) => w.name === job.workload);
  if (fleet !== undefined) {
    const pressure = job.sweep?.axis === "pressure" ? job.sweep.value : undefined;
    return runFleetTrial(job.variant, fleet.iommu, job.ops, rng, pressure).resumes;
  }
  const scenario = ALSA_RESUME_SCENARIOS.find((w) => w.name === job.workload);
  if (scenario === undefined)
    throw new RangeError(`unknown alsa-resume workload "${job.workload}"`);
  return runResumeTrial(job.variant, scenario.iommu, job.ops, rng).resumes;
}

function runJob(job: JobSpec): SuiteJobResult {
  if (findNoncontigVariant(job.variant) === undefined) {
    throw new RangeError(`unknown noncontig variant "${job.variant}"`);
  }
  const resumes = trialOf(job);
  const n = resumes.length;
  const share = (outcome: string) => resumes.filter((r) => r.outcome === outcome).length / n;
  const ms = resumes.map((r) => r.latencyNs / 1e6).sort((a, b) => a - b);
  const delivered = resumes.filter((r) => r.outcome === "ok");
  return {
    metrics: {
      hangRate: share("hang"),
      audioLossRate: share("audio-lost"),
      ...latencyMetrics(ms),
      chunksPerBuffer:
        delivered.length === 0
          ? 0
          : delivered.reduce((sum, r) => sum + r.chunks, 0) / delivered.length,
    },
    series: { latencyMs: ms },
  };
}

const workloadInfo = ({ name, description }: { name: string; description: string }) => ({
  name,
  description,
});

/** The suite. */
export const suite: Suite<SuiteJobResult> = {
  name: "alsa-resume",
  description:
    "ALSA memalloc policies (sound/core/memalloc.c v6.2-v6.8 and the unmerged Feb 2024 proposals) x page allocator v6.6 / v6.8 (803de9000f33), over power_LowMemorySuspend resume cycles on sampled machines, with and without an IOMMU. A hung resume reboots the device (DPM watchdog) and the trial goes on after a fresh boot of the same machine.",
  tradeoff:
    "__GFP_RETRY_MAYFAIL (upstream since a61c7d88d38c) reclaims hard, so single-page requests survive heavy pressure, but a costly contiguous MAYFAIL request in NOIO hangs the resume on v6.6 when fragmentation leaves no block of its order and there is no IOMMU. __GFP_NORETRY (the pre-2022 default) never hangs but fails after one reclaim pass, which under heavy pressure loses audio. The proposals (v1, Iwai's a and b) and the mm fix (v6.8) each pick a point between; the sweep shows where each policy starts to hang or lose audio.",
  model: "noncontig",
  variants: NONCONTIG_VARIANTS.map((v) => v.name),
  baseline: "upstream@v6.6",
  baselineReason:
    "upstream@v6.6 is the configuration of the ChromeOS hang reports: the upstream __GFP_RETRY_MAYFAIL policy on a page allocator without 803de9000f33, so each comparison says what a policy proposal or the mm fix changes.",
  workloads: ALSA_FLEET_WORKLOADS.map(workloadInfo),
  scenarios: ALSA_RESUME_SCENARIOS.map(workloadInfo),
  metrics: [
    {
      key: "hangRate",
      label: "hang rate",
      description:
        "resumes whose firmware buffer allocation passed the 120 s hang bound (the watchdog reboots), per resume",
      unit: "rate",
    },
    {
      key: "audioLossRate",
      label: "audio-loss rate",
      description: "resumes whose firmware buffer allocation failed (no audio), per resume",
      unit: "rate",
    },
    ...latencyMetricInfos("allocation latency", "snd_dma_noncontig_alloc"),
    {
      key: "chunksPerBuffer",
      label: "chunks per buffer",
      description:
        "contiguous chunks making up each delivered buffer (IOMMU: blocks before the split into pages; fallback: its chunks), mean over delivered buffers (0 when none)",
      unit: "count",
    },
  ],
  rateChart: ["hangRate", "audioLossRate"],
  constantByConstruction: [
    {
      metric: "hangRate",
      variants: [
        ...NONCONTIG_VARIANTS.filter((v) => v.name.endsWith("@v6.8")).map((v) => v.name),
        "noretry-nonIOMMU@v6.6",
        "iwai-a@v6.6",
        "iwai-b@v6.6",
        "noretry-legacy@v6.6",
      ],
      reason:
        "no costly __GFP_RETRY_MAYFAIL request in NOIO (NORETRY above one page, or 803de9000f33 bounds it): spec 5 says never HANG",
    },
    {
      metric: "hangRate",
      variants: ["upstream@v6.6"],
      workloads: ["fleet-vtd", "fleet-amd"],
      reason:
        "the IOMMU backoff passes MAYFAIL only at the smallest order, so mechanism A cannot trigger (spec 2.2)",
    },
  ],
  series: [
    {
      key: "latencyMs",
      label: "firmware buffer allocation latency",
      description: "virtual latency of every resume's snd_dma_noncontig_alloc, a hang at 120 s",
      kind: "samples",
      unit: "ms",
    },
  ],
  sweeps: [
    {
      name: "pressure",
      label: "memory pressure",
      description:
        "p in src/workloads/alsa-fleet.ts: swap use 0.1 + 0.8p, the share of firmware-order blocks long-lived users keep (p), and the competition around the suspend (3p - 2: kernel memory before it, GFP_ATOMIC resume work below the min watermark after it), each with per-machine jitter",
      unit: "",
      min: 0,
      max: 1,
      integer: false,
      workloads: ["fleet-no-iommu", "fleet-vtd"],
      full: { from: 0, to: 1, steps: 5 },
      quick: { from: 0, to: 1, steps: 3 },
    },
  ],
  // A job is `ops` resumes on one sampled machine; a boot with its fill phase costs 30-300 ms of
  // real time (RAM 512 MiB to 2 GiB), a resume 10-60 ms.
  opsPerJob: { full: 6, quick: 4 },
  runJob,
};
