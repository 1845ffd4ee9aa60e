/**
 * swiotlb benchmark workloads (spec part B.4 and B.5): bursts of streaming maps as one caller
 * issues them (a frame's scatterlist, a queue of block requests, a ring of packets), each burst
 * unmapped once `inFlight` newer bursts have been mapped, with virtual time passing between
 * bursts so the dynamic design's growth worker can run.
 * - RPi4 dma-buf import: a 4-byte-per-pixel frame rendered by v3d into pages scattered over a
 *   4 GiB Raspberry Pi 4, imported into vc4 (30-bit, no IOMMU): dma-direct bounces every
 *   scatterlist segment above 1 GiB, whole segments of contiguous pages (4 KiB to 1 MiB).
 * - NVMe-like streaming: 4 KiB to 1 MiB requests with min_align_mask 0xfff, from the I/O path.
 * - dma-iommu bouncing for an untrusted device: sizes rounded to the 4 KiB granule and mapped
 *   with alloc_align_mask 0xfff (iova_mask) and the device's min_align_mask 0xfff.
 * - Small network packets: 64 to 1500 bytes, a ring of 256 in flight.
 */
import type { SwiotlbAllocation, SwiotlbResult } from "../models/swiotlb/model.js";
import {
  DMA_ATTR_MAY_SLEEP,
  type InitOp,
  type MapOp,
  type SwiotlbOp,
} from "../models/swiotlb/ops.js";
import type { Rng } from "../sim/rng.js";
import { type Draw, mixture, powerOfTwo, uniform } from "./distributions.js";
import type { Workload } from "./workload.js";

const GIB = 2 ** 30;
const RPI4_LIMIT = GIB - 1;

/** One burst's maps, drawn fresh for each burst. */
type BurstMaps = (rng: Rng) => Omit<MapOp, "op" | "cpu" | "seg_boundary_mask">[];

/** A named workload. */
export interface SwiotlbProfile {
  name: string;
  description: string;
  /** The machine and pool the workload runs on (nslabs may be overridden by the benchmark). */
  init: InitOp;
  burst: BurstMaps;
  /** Bursts that stay mapped before the oldest is unmapped. */
  inFlight: number;
  /** Virtual time between bursts. */
  msPerBurst: number;
}

/** Contiguous page runs of a v3d buffer: mostly small, some of 256 KiB to 1 MiB. */
const segmentBytes: Draw = mixture(
  { weight: 0.75, draw: (rng) => 4096 * powerOfTwo(0, 4)(rng) },
  { weight: 0.2, draw: (rng) => 4096 * uniform(17, 64)(rng) },
  { weight: 0.05, draw: (rng) => 4096 * uniform(65, 256)(rng) },
);

/** A frame's scatterlist on a 4 GiB RPi4: the segments dma-direct bounces (above 1 GiB). */
function frame(width: number, height: number): BurstMaps {
  return (rng) => {
    const maps: ReturnType<BurstMaps> = [];
    for (let left = width * height * 4; left > 0;) {
      const size = Math.min(left, segmentBytes(rng));
      left -= size;
      const orig = 4096 * rng.int(0, 4 * 256 * 1024 - 256);
      if (orig + size - 1 <= RPI4_LIMIT) continue;
      maps.push({ ...stream(orig, size), attrs: DMA_ATTR_MAY_SLEEP, dma_limit: RPI4_LIMIT });
    }
    return maps;
  };
}

/** A streaming map of `size` bytes at `orig` without masks or attributes. */
function stream(orig: number, size: number): Omit<MapOp, "op" | "cpu" | "seg_boundary_mask"> {
  return {
    orig,
    size,
    alloc_size: size,
    alloc_align_mask: 0,
    min_align_mask: 0,
    attrs: 0,
    dma_limit: 0,
    io_path: 0,
  };
}

const RPI4_INIT: InitOp = {
  op: "init",
  nslabs: 32768,
  nareas: 4,
  start: 0x2c00_0000,
  page_size: 4096,
  layout: "rpi4",
  ram_mib: 4096,
};
const PC_INIT: InitOp = {
  op: "init",
  nslabs: 32768,
  nareas: 4,
  start: 0xbc00_0000,
  page_size: 4096,
  layout: "x86_64",
  ram_mib: 2048,
};

function rpi4(name: string, width: number, height: number): SwiotlbProfile {
  const mib = ((width * height * 4) / 2 ** 20).toFixed(1);
  return {
    name,
    description: `Raspberry Pi 4 (4 GiB, vc4 behind a 30-bit limit, no IOMMU) importing ${width}x${height} frames (${mib} MiB at 4 B/pixel) from v3d: every scatterlist segment above 1 GiB is bounced; 3 frames in flight at 60 Hz.`,
    init: RPI4_INIT,
    burst: frame(width, height),
    inFlight: 3,
    msPerBurst: 16,
  };
}

/** The swiotlb workloads, by name. */
export const SWIOTLB_PROFILES: readonly SwiotlbProfile[] = [
  rpi4("rpi4-1080p", 1920, 1080),
  rpi4("rpi4-1440p", 2560, 1440),
  rpi4("rpi4-4k", 3840, 2160),
  {
    name: "nvme",
    description:
      "NVMe-like streaming under swiotlb=force (a confidential guest): 32 requests of 4 KiB to 1 MiB per burst from the block I/O path, min_align_mask 0xfff, buffers at 512-byte offsets, 4 bursts in flight.",
    init: PC_INIT,
    burst: (rng) =>
      Array.from({ length: 32 }, () => {
        const size = 4096 * powerOfTwo(0, 8)(rng);
        const orig = 4096 * rng.int(0x10_0000, 0x20_0000) + 512 * rng.int(0, 7);
        return { ...stream(orig, size), min_align_mask: 0xfff, io_path: 1 };
      }),
    inFlight: 4,
    msPerBurst: 1,
  },
  {
    name: "iommu-untrusted",
    description:
      "dma-iommu bouncing for an untrusted (external) NVMe device: 16 requests of 512 B to 256 KiB per burst, rounded to the 4 KiB granule with alloc_align_mask 0xfff and min_align_mask 0xfff, from the I/O path, 4 bursts in flight.",
    init: PC_INIT,
    burst: (rng) =>
      Array.from({ length: 16 }, () => {
        const size = 512 * uniform(1, 512)(rng);
        const orig = 4096 * rng.int(0x10_0000, 0x20_0000) + 512 * rng.int(0, 7);
        const allocSize = Math.ceil(size / 4096) * 4096;
        const op = { ...stream(orig, size), alloc_size: allocSize, alloc_align_mask: 0xfff };
        return { ...op, min_align_mask: 0xfff, io_path: 1 };
      }),
    inFlight: 4,
    msPerBurst: 1,
  },
  {
    name: "packets",
    description:
      "A NIC without a 64-bit mask bouncing small packets (64, 128, 576 or 1500 bytes): bursts of 64, a ring of 256 in flight.",
    init: PC_INIT,
    burst: (rng) =>
      Array.from({ length: 64 }, () => {
        const size = [64, 128, 576, 1500][rng.int(0, 3)] as number;
        return stream(0x1_0000_0000 + 2048 * rng.int(0, 1 << 20), size);
      }),
    inFlight: 4,
    msPerBurst: 1,
  },
];

/** The profile called `name`; throws RangeError when unknown. */
export function findSwiotlbProfile(name: string): SwiotlbProfile {
  const profile = SWIOTLB_PROFILES.find((p) => p.name === name);
  if (profile === undefined) {
    const known = SWIOTLB_PROFILES.map((p) => p.name).join(", ");
    throw new RangeError(`unknown swiotlb workload "${name}" (known: ${known})`);
  }
  return profile;
}

/** Runs a profile: init, then bursts of maps, unmaps of the oldest burst, time passing. */
export class SwiotlbTraffic implements Workload<SwiotlbOp, SwiotlbResult> {
  readonly name: string;
  private readonly pending: SwiotlbOp[] = [];
  /** Live mappings per burst, oldest first: [op index, tlb, size, min_align_mask]. */
  private readonly bursts: [number, number, number, number][][] = [];
  private emitted = 0;

  constructor(
    private readonly profile: SwiotlbProfile,
    private readonly rng: Rng,
    private readonly budget: number,
    init: Partial<InitOp> = {},
  ) {
    this.name = profile.name;
    this.pending.push({ ...profile.init, ...init });
  }

  next(): SwiotlbOp | null {
    if (this.emitted >= this.budget) return null;
    if (this.pending.length === 0) this.refill();
    this.emitted++;
    return this.pending.shift() ?? null;
  }

  observe(op: SwiotlbOp, result: SwiotlbResult): void {
    if (op.op !== "map") return;
    const tlb = (result as SwiotlbAllocation).tlb;
    if (tlb !== null) this.bursts.at(-1)?.push([this.emitted - 1, tlb, op.size, op.min_align_mask]);
  }

  /** The oldest burst's unmaps when too many are in flight, a new burst, then time passes. */
  private refill(): void {
    if (this.bursts.length >= this.profile.inFlight) {
      for (const [ref, tlb, size, mask] of this.bursts.shift() ?? []) {
        this.pending.push({ op: "unmap", ref, tlb, size, min_align_mask: mask });
      }
    }
    this.bursts.push([]);
    const cpu = this.rng.int(0, 3);
    for (const map of this.profile.burst(this.rng)) {
      this.pending.push({ op: "map", ...map, cpu, seg_boundary_mask: 0 });
    }
    this.pending.push({ op: "advance", ms: this.profile.msPerBurst });
  }
}
