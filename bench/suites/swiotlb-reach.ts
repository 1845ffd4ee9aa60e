/**
 * `swiotlb-reach` (issue 21): how often swiotlb refuses a map that fits in some area of its pool,
 * on v6.9 and v7.1 (kernel/dma/swiotlb.c: the budget loop of swiotlb_search_pool_area(), whose
 * stride wraps to index 0, which need not be aligned) and on the proposal that restarts at the
 * area's first aligned index (not a kernel release). Each job sweeps pool start offsets (0-60 KiB
 * past a 64 KiB boundary) on 1, 4 and 16 areas of an 8 MiB pool, with traffic from 64 CPUs around a
 * target occupancy; a refused map is checked against an exhaustive scan of the pool under the
 * variant's own alignment rules.
 */
import { SwiotlbModel } from "../../src/models/swiotlb/model.js";
import { findSwiotlbVariant } from "../../src/models/swiotlb/variants.js";
import { firstFit, freeRunFor } from "../../src/oracles/swiotlb.js";
import { dryRunArea } from "../../src/oracles/swiotlb-miss.js";
import { mapSlotRequest, slotQuery } from "../../src/models/swiotlb/search.js";
import type { MapOp } from "../../src/models/swiotlb/ops.js";
import type { JobSpec } from "../../src/report/results.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { Rng } from "../../src/sim/rng.js";
import {
  findReachProfile,
  REACH_NAREAS,
  REACH_NSLABS,
  REACH_PROFILES,
  deviceMap,
  ReachTraffic,
  reachConfigs,
  reachInit,
} from "../../src/workloads/swiotlb-reach.js";
import { per, type Suite } from "./suite.js";

const VARIANTS = ["v6.9", "v7.1", "proposal-aligned-wrap"] as const;

/**
 * Per area count: maps, refusals of maps that fit, configurations with such a refusal, and the
 * area probes: areas holding a run that fits a map (before it is applied), and those whose own
 * search would not find one.
 */
interface Tally {
  maps: number;
  refused: number;
  fitRefused: number;
  configs: number;
  configsWithMiss: number;
  areasFit: number;
  areasMissed: number;
  /** The same on the idle pool after the traffic, and probes every area refuses. */
  idleProbes: number;
  idleAreasFit: number;
  idleAreasMissed: number;
  idleFitRefused: number;
}

/** Probe maps per configuration on the idle pool: 64 in the full form, 10 in the quick one. */
const probesPerConfig = (ops: number) => Math.max(4, Math.round(ops / 150));

/**
 * Probes every area of the model's pool for `op` without taking anything: the areas that hold a
 * run that fits, and those whose own search misses it. Returns [fit, missed].
 */
function probeAreas(model: SwiotlbModel, op: MapOp): [number, number] {
  const pool = model.swiotlbPool;
  const request = mapSlotRequest(model.config, op).request;
  const q = slotQuery(model.config, pool, model.pageSize, request);
  const n = pool.areaNslabs;
  let fit = 0;
  let missed = 0;
  for (let a = 0; a < pool.nareas; a++) {
    if (firstFit(pool, q, a * n, (a + 1) * n) < 0) continue;
    fit++;
    if (dryRunArea(pool, a, q) < 0) missed++;
  }
  return [fit, missed];
}

function runJob(job: JobSpec): Record<string, number> {
  const config = (VARIANTS as readonly string[]).includes(job.variant)
    ? findSwiotlbVariant(job.variant)
    : undefined;
  if (config === undefined) throw new RangeError(`unknown swiotlb-reach variant "${job.variant}"`);
  const profile = findReachProfile(job.workload);
  const rng = Rng.seeded(job.seed);
  const configs = reachConfigs();
  const mapsPerConfig = Math.max(1, Math.floor(job.ops / configs.length));
  const tallies = new Map<number, Tally>();
  let slotsChecked = 0;
  for (const [i, c] of configs.entries()) {
    const tally = tallies.get(c.nareas) ?? {
      maps: 0,
      refused: 0,
      fitRefused: 0,
      configs: 0,
      configsWithMiss: 0,
      areasFit: 0,
      areasMissed: 0,
      idleProbes: 0,
      idleAreasFit: 0,
      idleAreasMissed: 0,
      idleFitRefused: 0,
    };
    tallies.set(c.nareas, tally);
    const model = new SwiotlbModel(config, { clock: new VirtualClock(), rng: rng.split(i) });
    model.apply(reachInit(c));
    const traffic = new ReachTraffic(profile, rng.split(`traffic-${i}`), mapsPerConfig);
    let missed = false;
    for (let op = traffic.next(); op !== null; op = traffic.next()) {
      if (op.op === "map") {
        const [fit, missed] = probeAreas(model, op);
        tally.areasFit += fit;
        tally.areasMissed += missed;
      }
      const result = model.apply(op);
      if (op.op === "map" && result.kind === "map") {
        tally.maps++;
        if (result.tlb === null) {
          tally.refused++;
          if (freeRunFor(model, op) !== null) {
            tally.fitRefused++;
            missed = true;
          }
        }
      }
      traffic.observe(op, result);
    }
    // The idle pool: every slot free, each area's index where the traffic left it.
    const probes = rng.split(`probes-${i}`);
    for (let k = 0; k < probesPerConfig(job.ops); k++) {
      const [fit, missed] = probeAreas(model, deviceMap(profile, probes));
      tally.idleProbes++;
      tally.idleAreasFit += fit;
      tally.idleAreasMissed += missed;
      if (fit > 0 && missed === fit) tally.idleFitRefused++;
    }
    tally.configs++;
    if (missed) tally.configsWithMiss++;
    slotsChecked += model.pools.slotsChecked();
  }
  const all = [...tallies.values()];
  const sum = (k: keyof Tally) => all.reduce((n, t) => n + t[k], 0);
  const metrics: Record<string, number> = {
    idleFitRefusedRate: per(sum("idleFitRefused"), sum("idleProbes")),
    idleAreaMissRate: per(sum("idleAreasMissed"), sum("idleAreasFit")),
    areaMissRate: per(sum("areasMissed"), sum("areasFit")),
    fitRefusedRate: per(sum("fitRefused"), sum("maps")),
    fitRefusedShare: per(sum("fitRefused"), sum("refused")),
    configsWithMiss: per(sum("configsWithMiss"), sum("configs")),
    refusalRate: per(sum("refused"), sum("maps")),
    slotsScannedPerMap: per(slotsChecked, sum("maps")),
  };
  for (const nareas of REACH_NAREAS) {
    const t = tallies.get(nareas) as Tally;
    metrics[`idleFitRefusedRate${nareas}`] = per(t.idleFitRefused, t.idleProbes);
  }
  return metrics;
}

/** The suite. */
export const suite: Suite = {
  name: "swiotlb-reach",
  description:
    "Maps refused although they fit in some area of the pool (kernel/dma/swiotlb.c v6.9 and v7.1: the stride wraps to index 0, which need not be aligned, and the slot budget runs out), against a proposal that restarts at the area's first aligned index (not a kernel release), over pool start offsets, 1/8/32 areas, traffic-driven area indices, 4/16/64 KiB IOMMU granules and NVMe-like and untrusted-device masks.",
  tradeoff:
    "The kernel's stride wrap costs nothing on the common path but can refuse a large aligned map while an area holds a run for it; the proposal spends the same slot budget on aligned candidates only, so it refuses no map that fits, at no extra search cost.",
  model: "swiotlb",
  variants: [...VARIANTS],
  constantByConstruction: [
    "idleFitRefusedRate",
    "idleAreaMissRate",
    "areaMissRate",
    "fitRefusedRate",
    "fitRefusedShare",
    "configsWithMiss",
    ...REACH_NAREAS.map((n) => `idleFitRefusedRate${n}`),
  ].map((metric) => ({
    metric,
    variants: ["proposal-aligned-wrap"],
    reason:
      "after a wrap the proposal restarts at the area's first aligned index, so within its budget it visits every aligned candidate of the area (area_nslabs is a multiple of the stride here): it misses no run that fits",
  })),
  baseline: "v7.1",
  baselineReason:
    "v7.1 is the current mainline, where the refusal is reproduced; v6.9 shows the same search with the caller's allocation size, and the proposal what the change removes.",
  workloads: REACH_PROFILES.map(({ name, description }) => ({ name, description })),
  metrics: [
    {
      key: "idleFitRefusedRate",
      label: "idle pool: maps refused that fit",
      description: `after the traffic, every slot free and each area's index where the traffic left it: of 64 probe maps per configuration (10 in the quick form), the share that every area's search would refuse although some area holds a run that fits`,
      unit: "rate",
    },
    {
      key: "idleAreaMissRate",
      label: "idle pool: areas that miss a fit",
      description:
        "on the idle pool, of the areas holding a run that fits a probe map, the share whose own search finds no slot",
      unit: "rate",
    },
    {
      key: "areaMissRate",
      label: "areas that miss a run that fits",
      description:
        "before each map, every area holding a free run that fits it (exhaustive scan, the variant's rules) is probed: the share whose own search (as the variant's loop would run it, from the area's index) finds no slot",
      unit: "rate",
    },
    {
      key: "fitRefusedRate",
      label: "refused maps that fit, per map",
      description:
        "maps refused (DMA_MAPPING_ERROR) although an exhaustive scan finds a free, suitably aligned run in some area, per map",
      unit: "rate",
    },
    {
      key: "fitRefusedShare",
      label: "share of refusals that fit",
      description: "refused maps that fit in some area, per refused map (0 with no refusal)",
      unit: "rate",
    },
    {
      key: "configsWithMiss",
      label: "configurations with a missed fit",
      description:
        "pool configurations (start offset, area count) where at least one map that fits was refused, per configuration",
      unit: "rate",
    },
    {
      key: "refusalRate",
      label: "refusal rate",
      description: "maps refused for any reason, per map",
      unit: "rate",
    },
    {
      key: "slotsScannedPerMap",
      label: "slots scanned per map",
      description: "slots examined by the area searches, per map",
      unit: "count",
    },
    ...REACH_NAREAS.map((nareas) => ({
      key: `idleFitRefusedRate${nareas}`,
      label: `idle pool: refused that fit, ${nareas} area${nareas === 1 ? "" : "s"}`,
      description: `as idleFitRefusedRate, on the configurations with ${nareas} area${nareas === 1 ? "" : "s"} of ${REACH_NSLABS / nareas} slots`,
      unit: "rate" as const,
    })),
  ],
  rateChart: ["idleFitRefusedRate", "idleAreaMissRate", "fitRefusedRate"],
  opsPerJob: { full: 9_600, quick: 1_440 },
  runJob,
};
