/**
 * Boot layouts and atomic-allocation traffic for the `atomic-pool-boot` benchmark (spec 4). A
 * layout is a machine the DMA atomic pools boot on (the page allocator's presets, several RAM
 * sizes, the x86_64 kdump kernel); the traffic is non-blocking coherent allocations (GFP_ATOMIC,
 * 1-8 pages) by the layout's devices, each with its DMA mask, half of them freed again, one op
 * per virtual millisecond so that the pools' expansion work runs between them.
 */
import type { DmapoolLayout, DmapoolOp } from "../models/dmapool/ops.js";
import type { Rng } from "../sim/rng.js";

/** A device doing atomic coherent allocations. */
export interface PoolDevice {
  name: string;
  maskBits: number;
}

/** One boot layout. */
export interface PoolBootLayout {
  name: string;
  description: string;
  layout: DmapoolLayout;
  ramMib: number;
  devices: readonly PoolDevice[];
  /** Chance that an op frees a live block rather than allocating (default 0.45). */
  freeShare?: number;
  /** coherent_pool= in KiB (default 0: the size from RAM). */
  coherentPoolKib?: number;
}

export const X86_DEVICES: readonly PoolDevice[] = [
  // A legacy ISA-style DMA engine or a sr/floppy driver's bounce buffer: GFP_DMA (16 MiB).
  { name: "legacy-24bit", maskBits: 24 },
  { name: "pci-32bit", maskBits: 32 },
  { name: "nvme-64bit", maskBits: 64 },
];
export const ARM64_DEVICES: readonly PoolDevice[] = [
  // zone_dma_bits is 32 on a generic arm64 board: a 32-bit device gets GFP_DMA.
  { name: "soc-32bit", maskBits: 32 },
  { name: "pcie-64bit", maskBits: 64 },
];
export const RPI4_DEVICES: readonly PoolDevice[] = [
  // The BCM2711's legacy peripherals (emmc, the old DMA controller) see 30 bits: GFP_DMA.
  { name: "legacy-30bit", maskBits: 30 },
  { name: "emmc2-32bit", maskBits: 32 },
  { name: "genet-64bit", maskBits: 64 },
];

const x86 = (name: string, ramMib: number, description: string): PoolBootLayout => ({
  name,
  description,
  layout: "x86_64",
  ramMib,
  devices: X86_DEVICES,
});

/** The layouts compared. */
export const POOL_BOOT_LAYOUTS: readonly PoolBootLayout[] = [
  x86("x86_64-1g", 1024, "x86_64 with 1 GiB: 128 KiB pools (the floor)"),
  x86("x86_64-8g", 8192, "x86_64 with 8 GiB: 1 MiB per pool"),
  x86("x86_64-64g", 65536, "x86_64 with 64 GiB: 4 MiB per pool (the cap)"),
  {
    name: "arm64-4g",
    description: "arm64 with 4 GiB, zone_dma_bits 32 (ZONE_DMA covers all of RAM below 4 GiB)",
    layout: "arm64",
    ramMib: 4096,
    devices: ARM64_DEVICES,
  },
  {
    name: "rpi4-1g",
    description: "Raspberry Pi 4 with 1 GiB, zone_dma_bits 30",
    layout: "rpi4",
    ramMib: 1024,
    devices: RPI4_DEVICES,
  },
  {
    name: "rpi4-4g",
    description: "Raspberry Pi 4 with 4 GiB: 512 KiB per pool",
    layout: "rpi4",
    ramMib: 4096,
    devices: RPI4_DEVICES,
  },
  {
    name: "kdump-256m",
    description:
      "The x86_64 kdump kernel with crashkernel=256M: RAM above 16 MiB only, so ZONE_DMA has no managed pages",
    layout: "x86_64-kdump",
    ramMib: 256,
    devices: X86_DEVICES,
  },
  {
    name: "kdump-512m",
    description: "The x86_64 kdump kernel with crashkernel=512M",
    layout: "x86_64-kdump",
    ramMib: 512,
    devices: X86_DEVICES,
  },
];

const SIZES = [1, 1, 1, 2, 2, 4, 8];

/** The traffic's ops, fed back with each allocation's pfn so that frees name live blocks. */
export class PoolTraffic {
  private readonly live: { pfn: number; pages: number }[] = [];
  private left: number;

  constructor(
    private readonly boot: PoolBootLayout,
    private readonly rng: Rng,
    ops: number,
  ) {
    this.left = ops;
  }

  /** The boot op. */
  bootOp(): DmapoolOp {
    const { layout, ramMib } = this.boot;
    return {
      op: "boot",
      layout,
      ram_mib: ramMib,
      coherent_pool_kib: this.boot.coherentPoolKib ?? 0,
    };
  }

  /** The next op (an allocation, a free or a millisecond passing), or null when done. */
  next(): DmapoolOp | null {
    if (this.left <= 0) return null;
    this.left--;
    const { rng } = this;
    if (this.left % 2 === 1) return { op: "advance", ms: 1 };
    if (this.live.length > 0 && rng.bool(this.boot.freeShare ?? 0.45)) {
      const k = rng.int(0, this.live.length - 1);
      const block = this.live[k] as { pfn: number; pages: number };
      this.live[k] = this.live[this.live.length - 1] as { pfn: number; pages: number };
      this.live.pop();
      return { op: "free", pfn: block.pfn, pages: block.pages };
    }
    const device = rng.pick(this.boot.devices);
    return {
      op: "alloc",
      pages: rng.pick(SIZES),
      gfp: "GFP_ATOMIC",
      mask_bits: device.maskBits,
      dev: device.name,
    };
  }

  /** A successful allocation's block, to be freed later. */
  allocated(pfn: number, pages: number): void {
    this.live.push({ pfn, pages });
  }
}
