/**
 * Workloads of the `swiotlb-reach` benchmark (issue 21): how often a map that fits in some area
 * of the pool is refused, over the pool's physical start, its area count, the areas' next-fit
 * indices and the request's alignment. One workload is a device and an IOMMU granule:
 * - `untrusted-<g>`: dma-iommu bouncing for an untrusted device (iommu_dma_map_page() passes
 *   alloc_align_mask = iova_mask = granule - 1 and alloc_size = iova_align(size)), no
 *   min_align_mask;
 * - `nvme-iommu-<g>`: the same for an untrusted NVMe controller, which also sets
 *   min_align_mask 0xfff (NVME_CTRL_PAGE_SIZE - 1);
 * - `nvme-direct`: NVMe bounced by dma-direct (memory encryption, swiotlb=force): min_align_mask
 *   0xfff and no alloc_align_mask.
 * One map in four comes from a second device sharing the pool: a streaming map of 1 byte to
 * 64 KiB without masks (a NIC or a USB controller bounced by dma-direct). The aligned device alone
 * keeps every area's index in phase with its granule (its sizes are granule multiples); the other
 * device's maps leave indices that are not.
 * Each job sweeps every pool start offset (4 KiB steps within 64 KiB) on each area count, and
 * drives each configuration with bursts of maps from CPUs 0-63 (a queue's requests), each burst
 * unmapped as a whole once the next has been mapped, so the areas' next-fit indices take the
 * values traffic leaves them at while the slots before them are free again.
 */
import type { SwiotlbResult } from "../models/swiotlb/model.js";
import type { InitOp, MapOp, SwiotlbOp, UnmapOp } from "../models/swiotlb/ops.js";
import type { Rng } from "../sim/rng.js";

/** Slots in the swept pool (8 MiB): small enough to sweep, large enough for 32 areas of 128. */
export const REACH_NSLABS = 4096;
/**
 * Area counts swept: areas of 4096, 512 and 128 slots (128 is the smallest limit_nareas()
 * allows: a 64 MiB pool on a machine of 256 CPUs).
 */
export const REACH_NAREAS = [1, 8, 32] as const;
/** Pool start offsets swept: 0 to 60 KiB past a 64 KiB boundary, in 4 KiB steps. */
export const REACH_OFFSETS: readonly number[] = Array.from({ length: 16 }, (_, i) => i * 4096);
/** A 64 KiB-aligned base below 4 GiB for the pool. */
const POOL_BASE = 0xca30_0000;
const ORIG_BASE = 0x1_0000_0000;
const SEGMENT_BYTES = 128 * 2048;

/** A reach workload: the device's masks and the IOMMU granule (0 for dma-direct). */
export interface ReachProfile {
  name: string;
  description: string;
  granule: number;
  minAlignMask: number;
}

/** The workloads, by name. */
export const REACH_PROFILES: readonly ReachProfile[] = [
  {
    name: "nvme-direct",
    description: "NVMe bounced by dma-direct: min_align_mask 0xfff, no alloc_align_mask",
    granule: 0,
    minAlignMask: 0xfff,
  },
  ...[4096, 16384, 65536].flatMap((granule) => {
    const k = `${granule / 1024}k`;
    return [
      {
        name: `nvme-iommu-${k}`,
        description: `untrusted NVMe behind an IOMMU with ${k} granule: alloc_align_mask ${hex(granule - 1)}, min_align_mask 0xfff`,
        granule,
        minAlignMask: 0xfff,
      },
      {
        name: `untrusted-${k}`,
        description: `untrusted device behind an IOMMU with ${k} granule: alloc_align_mask ${hex(granule - 1)}, no min_align_mask`,
        granule,
        minAlignMask: 0,
      },
    ];
  }),
];

function hex(x: number): string {
  return `0x${x.toString(16)}`;
}

/** The profile called `name`; RangeError otherwise. */
export function findReachProfile(name: string): ReachProfile {
  const p = REACH_PROFILES.find((x) => x.name === name);
  if (p === undefined) throw new RangeError(`unknown swiotlb-reach workload "${name}"`);
  return p;
}

/** One configuration of the sweep: where the pool starts and how many areas it has. */
export interface ReachConfig {
  offset: number;
  nareas: number;
}

/** Every configuration a job sweeps, area counts outermost. */
export function reachConfigs(): ReachConfig[] {
  return REACH_NAREAS.flatMap((nareas) => REACH_OFFSETS.map((offset) => ({ offset, nareas })));
}

/** The init op of a configuration. */
export function reachInit(c: ReachConfig): InitOp {
  const start = POOL_BASE + c.offset;
  return { op: "init", nslabs: REACH_NSLABS, nareas: c.nareas, start, page_size: 4096 };
}

/** A streaming map of the second device: no masks, 1 byte to 64 KiB. */
function streamingMap(rng: Rng): MapOp {
  const size = rng.int(1, 65536);
  return {
    op: "map",
    orig: ORIG_BASE + rng.int(0, 2 ** 32),
    size,
    alloc_size: size,
    alloc_align_mask: 0,
    min_align_mask: 0,
    cpu: rng.int(0, 63),
    seg_boundary_mask: 0,
    attrs: 256,
    dma_limit: 0,
    io_path: 0,
  };
}

/**
 * A map of the workload: one in four from the second device, else one of `p`'s device, sizes
 * mostly small, some up to a segment, as block I/O.
 */
export function reachMap(p: ReachProfile, rng: Rng): MapOp {
  if (rng.bool(0.25)) return streamingMap(rng);
  return deviceMap(p, rng);
}

/** A map of `p`'s device (the probes use these alone). */
export function deviceMap(p: ReachProfile, rng: Rng): MapOp {
  const limit = p.granule === 0 ? SEGMENT_BYTES - 4096 : SEGMENT_BYTES - p.granule;
  const r = rng.float();
  const hi = r < 0.4 ? 16384 : r < 0.7 ? 65536 : limit;
  const size = rng.int(1, Math.min(hi, limit));
  const offset = p.minAlignMask === 0 ? rng.int(0, 4095) : 4 * rng.int(0, 1023);
  const orig = ORIG_BASE + 4096 * rng.int(0, 1 << 20) + offset;
  const mask = p.granule === 0 ? 0 : p.granule - 1;
  const allocSize = mask === 0 ? size : Math.ceil(size / p.granule) * p.granule;
  return {
    op: "map",
    orig,
    size,
    alloc_size: allocSize,
    alloc_align_mask: mask,
    min_align_mask: p.minAlignMask,
    cpu: rng.int(0, 63),
    seg_boundary_mask: 0,
    attrs: 256,
    dma_limit: 0,
    io_path: 0,
  };
}

/**
 * Bursts of 1 to 64 maps; when a burst is mapped, the one before it is unmapped (completions in
 * order), so at most two bursts are live. Once its maps are spent, everything is unmapped.
 */
export class ReachTraffic {
  private previous: UnmapOp[] = [];
  private current: UnmapOp[] = [];
  private burstLeft = 0;
  private index = 1;
  private left: number;

  constructor(
    private readonly profile: ReachProfile,
    private readonly rng: Rng,
    maps: number,
  ) {
    this.left = maps;
  }

  /** The next op, or null when the configuration's maps are spent. */
  next(): SwiotlbOp | null {
    if (this.burstLeft === 0 && this.previous.length > 0) {
      this.index++;
      return this.previous.pop() as UnmapOp;
    }
    if (this.left === 0) {
      // Drain: the pool ends idle, each area's index where the traffic left it.
      const last = this.previous.pop() ?? this.current.pop();
      if (last === undefined) return null;
      this.index++;
      return last;
    }
    if (this.burstLeft === 0) {
      this.previous = this.current.reverse();
      this.current = [];
      this.burstLeft = this.rng.int(1, 64);
      if (this.previous.length > 0) return this.next();
    }
    this.burstLeft--;
    this.left--;
    this.index++;
    return reachMap(this.profile, this.rng);
  }

  /** Learns a successful map's address. */
  observe(op: SwiotlbOp, result: SwiotlbResult): void {
    if (op.op !== "map" || result.kind !== "map" || result.tlb === null) return;
    const ref = this.index - 1;
    const tlb = result.tlb;
    this.current.push({ op: "unmap", ref, tlb, size: op.size, min_align_mask: op.min_align_mask });
  }
}
