/**
 * `alsa-resume`: the ALSA memalloc policies (sound/core/memalloc.c, upstream and the February 2024
 * proposals) on the v6.6 and v6.8 page allocators, with and without an IOMMU, over the
 * power_LowMemorySuspend resume cycles (spec 2.3 and 5). The question of the "ALSA: memalloc:
 * Fix indefinite hang in non-iommu case" thread: which policy hangs the resume, which loses
 * audio, and what does each cost in allocation latency and chunks?
 */
import { NONCONTIG_VARIANTS } from "../../src/models/noncontig/variants.js";
import type { JobSpec } from "../../src/report/results.js";
import { Rng } from "../../src/sim/rng.js";
import { ALSA_RESUME_WORKLOADS, runResumeTrial } from "../../src/workloads/alsa-resume.js";
import { latencyMetricInfos, latencyMetrics } from "./latency.js";
import type { Suite, SuiteJobResult } from "./suite.js";

function runJob(job: JobSpec): SuiteJobResult {
  const workload = ALSA_RESUME_WORKLOADS.find((w) => w.name === job.workload);
  if (workload === undefined)
    throw new RangeError(`unknown alsa-resume workload "${job.workload}"`);
  if (!NONCONTIG_VARIANTS.some((v) => v.name === job.variant)) {
    throw new RangeError(`unknown noncontig variant "${job.variant}"`);
  }
  const { resumes } = runResumeTrial(job.variant, workload.iommu, job.ops, Rng.seeded(job.seed));
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

/** The suite. */
export const suite: Suite<SuiteJobResult> = {
  name: "alsa-resume",
  description:
    "ALSA memalloc policies (sound/core/memalloc.c v6.2-v6.8 and the unmerged Feb 2024 proposals) x page allocator v6.6 / v6.8 (803de9000f33), over power_LowMemorySuspend resume cycles under fragmentation, with and without an IOMMU. A hung resume reboots the device (DPM watchdog) and the trial goes on after a fresh boot.",
  model: "noncontig",
  variants: NONCONTIG_VARIANTS.map((v) => v.name),
  baseline: "upstream@v6.6",
  baselineReason:
    "upstream@v6.6 is the configuration of the ChromeOS hang reports: the upstream __GFP_RETRY_MAYFAIL policy on a page allocator without 803de9000f33, so each comparison says what a policy proposal or the mm fix changes.",
  workloads: ALSA_RESUME_WORKLOADS.map(({ name, description }) => ({ name, description })),
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
  series: [
    {
      key: "latencyMs",
      label: "firmware buffer allocation latency",
      description: "virtual latency of every resume's snd_dma_noncontig_alloc, a hang at 120 s",
      kind: "samples",
      unit: "ms",
    },
  ],
  // A job is `ops` resumes; one costs 10-60 ms of real time (a boot with its fill phase ~30 ms).
  opsPerJob: { full: 40, quick: 5 },
  runJob,
};
