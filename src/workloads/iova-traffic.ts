/**
 * dma-iommu traffic on the IOVA model: devices map buffers through iommu_dma_alloc_iova and unmap
 * them after a lifetime, on random CPUs. The generator plays the caller's part the model leaves
 * out (drivers/iommu/dma-iommu.c, v5.10 to v6.7):
 *
 * - sizes below 32 granules are rounded up to a power of two before alloc_iova_fast (the caller
 *   did it before v5.17, alloc_iova_fast itself from v5.17: either way the tree sees the same);
 * - a PCI device whose mask is wider than 32 bits first tries below 4 GiB without flushing the
 *   caches ("SAC" addresses), then its full limit with flush_rcache = true;
 * - the limit is the device's DMA mask capped by the domain's aperture, shifted to pfns;
 * - free_iova_fast gets the caller's unrounded size, as iommu_dma_free_iova passes it.
 */
import type { IovaResult } from "../models/iova/model.js";
import type { IovaOp } from "../models/iova/ops.js";
import { roundupPowOfTwo } from "../sim/u64.js";
import type { Rng } from "../sim/rng.js";
import { pickWeighted } from "./distributions.js";
import { MinHeap } from "./heap.js";
import type { Workload } from "./workload.js";

/** One kind of DMA master and the buffers it maps. */
export interface IovaDevice {
  name: string;
  /** Relative share of new mapping requests. */
  weight: number;
  /** Width of the device's DMA mask in bits (e.g. 30, 32, 64). */
  maskBits: number;
  /** A PCI device: dma-iommu tries a 32-bit IOVA first when its mask is wider. */
  pci: boolean;
  /** Draws a mapping's length in granules. */
  size(rng: Rng): number;
  /** Draws how many later mapping requests the buffer stays mapped for (>= 1). */
  lifetime(rng: Rng): number;
}

/** A domain and the devices sharing it. */
export interface IovaTrafficProfile {
  name: string;
  /** One sentence for reports: what traffic this is and what it stresses. */
  description: string;
  granule: number;
  startPfn: number;
  cpus: number;
  /** The domain aperture's width in bits (48 for most IOMMUs): caps 64-bit masks. */
  apertureBits: number;
  /** reserve_iova ranges made at domain set-up (host-bridge windows, MSI doorbells). */
  reserves: readonly (readonly [number, number])[];
  devices: readonly IovaDevice[];
  /** Ops between two 1 ms steps of virtual time (v6.7's depot trimming runs on it). */
  opsPerMs: number;
}

interface Mapping {
  pfn: number;
  /** The caller's size in granules, before rounding. */
  size: number;
}

interface Request {
  device: IovaDevice;
  size: number;
  lifetime: number;
  /** Both tries run on the CPU that made the request. */
  cpu: number;
}

/** Drives an IOVA model with a profile's traffic for a budget of `ops` ops. */
export class IovaTraffic implements Workload<IovaOp, IovaResult> {
  readonly name: string;
  private readonly setup: IovaOp[];
  private readonly live = new MinHeap<Mapping>();
  private readonly shift: number;
  private emitted = 0;
  private requests = 0;
  private sinceAdvance = 0;
  /** The request whose allocation is in flight, and whether its next try is the fallback. */
  private request: Request | null = null;
  private fallback = false;

  constructor(
    private readonly profile: IovaTrafficProfile,
    private readonly rng: Rng,
    private readonly ops: number,
  ) {
    this.name = profile.name;
    this.shift = Math.log2(profile.granule);
    const { granule, startPfn, cpus } = profile;
    this.setup = [
      { op: "init", granule, start_pfn: startPfn, cpus },
      ...profile.reserves.map(([lo, hi]): IovaOp => ({ op: "reserve", lo, hi })),
    ];
  }

  /** Mappings currently held by devices. */
  get liveMappings(): number {
    return this.live.size;
  }

  next(): IovaOp | null {
    if (this.emitted >= this.ops) return null;
    this.emitted++;
    const setup = this.setup[this.emitted - 1];
    if (setup !== undefined) return setup;
    if (this.request !== null) return this.allocOp(this.request, this.fallback);
    if (++this.sinceAdvance > this.profile.opsPerMs) {
      this.sinceAdvance = 0;
      return { op: "advance", ms: 1 };
    }
    if (this.live.peekKey() <= this.requests) {
      const { pfn, size } = this.live.pop();
      return { op: "free_fast", pfn, size, cpu: this.cpu() };
    }
    this.requests++;
    const device = pickWeighted(this.rng, this.profile.devices);
    const size = device.size(this.rng);
    this.request = { device, size, lifetime: device.lifetime(this.rng), cpu: this.cpu() };
    this.fallback = !this.triesSac(device);
    return this.allocOp(this.request, this.fallback);
  }

  observe(op: IovaOp, result: IovaResult): void {
    const request = this.request;
    if (op.op !== "alloc_fast" || result.kind !== "alloc" || request === null) return;
    if (result.pfn !== null) {
      this.live.push(this.requests + request.lifetime, { pfn: result.pfn, size: request.size });
    } else if (!this.fallback) {
      this.fallback = true;
      return;
    }
    // Mapped, or refused at the full limit: the driver sees dma_map_* fail and moves on.
    this.request = null;
  }

  private allocOp(request: Request, full: boolean): IovaOp {
    const size = request.size < 32 ? roundupPowOfTwo(request.size) : request.size;
    const bits = full ? Math.min(request.device.maskBits, this.profile.apertureBits) : 32;
    return {
      op: "alloc_fast",
      size,
      limit_pfn: 2 ** (bits - this.shift) - 1,
      flush: full,
      cpu: request.cpu,
    };
  }

  private triesSac(device: IovaDevice): boolean {
    return device.pci && device.maskBits > 32 && this.profile.apertureBits > 32;
  }

  private cpu(): number {
    return this.rng.int(0, this.profile.cpus - 1);
  }
}
