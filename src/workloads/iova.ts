/**
 * IOVA benchmark workloads: named dma-iommu traffic profiles (see ./iova-traffic.ts for the
 * caller behaviour they share). The 64 KiB-granule profiles are arm64 kernels with 64 KiB pages,
 * where the whole 32-bit window is 65,536 granules: a job of some 10^5 ops brings it to the
 * occupancy a long-running system reaches, which a 4 KiB window (2^20 granules) would need
 * millions of ops for.
 */
import type { Rng } from "../sim/rng.js";
import { exponential, mixture, powerOfTwo, uniform } from "./distributions.js";
import { drawIovaDomain } from "./iova-fleet.js";
import { IovaTraffic, type IovaTrafficProfile } from "./iova-traffic.js";

/** x86's interrupt-remapping MSI window (0xfee00000, 1 MiB) in 4 KiB pfns. */
const X86_MSI_4K = [0xfee00, 0xfeeff] as const;
/** arm64's software MSI window (MSI_IOVA_BASE 0x8000000, 1 MiB) in 64 KiB pfns. */
const ARM64_MSI_64K = [0x800, 0x80f] as const;

/** Small streaming buffers: packets and page-sized block I/O (1 to 32 granules). */
const smallBuffers = mixture(
  { weight: 0.6, draw: powerOfTwo(0, 5) },
  { weight: 0.4, draw: uniform(1, 32) },
);

/** The IOVA workloads, by name. */
export const IOVA_PROFILES: readonly IovaTrafficProfile[] = [
  {
    name: "streaming",
    description:
      "A NIC and an NVMe drive (64-bit PCI, 4 KiB granule) mapping 1 to 32 pages for a few dozen requests each: the rcache's home ground, where nothing should fail.",
    granule: 4096,
    startPfn: 1,
    cpus: 4,
    apertureBits: 48,
    reserves: [X86_MSI_4K],
    devices: [
      {
        name: "nic",
        weight: 3,
        maskBits: 64,
        pci: true,
        size: mixture({ weight: 0.7, draw: () => 1 }, { weight: 0.3, draw: uniform(2, 4) }),
        lifetime: exponential(32),
      },
      {
        name: "nvme",
        weight: 1,
        maskBits: 64,
        pci: true,
        size: smallBuffers,
        lifetime: exponential(64),
      },
    ],
    opsPerMs: 100,
  },
  {
    name: "fragmenting",
    description:
      "32-bit platform masters (64 KiB granule): transmit buffers unmapped after ~100 requests, receive buffers posted for thousands, long-lived rings and occasional 2^k frame buffers, until the 32-bit window is fragmented.",
    granule: 65536,
    startPfn: 1,
    cpus: 4,
    apertureBits: 48,
    reserves: [ARM64_MSI_64K],
    devices: [
      {
        name: "tx",
        weight: 45,
        maskBits: 32,
        pci: false,
        size: smallBuffers,
        lifetime: exponential(100),
      },
      {
        name: "rx",
        weight: 45,
        maskBits: 32,
        pci: false,
        size: smallBuffers,
        lifetime: exponential(6_000),
      },
      {
        name: "rings",
        weight: 5,
        maskBits: 32,
        pci: false,
        size: uniform(1, 16),
        lifetime: exponential(40_000),
      },
      {
        name: "frames",
        weight: 2,
        maskBits: 32,
        pci: false,
        size: powerOfTwo(6, 10),
        lifetime: exponential(2_000),
      },
    ],
    opsPerMs: 100,
  },
  {
    name: "mixed-masks",
    description:
      "A 64-bit PCI NIC (tries below 4 GiB first), a 32-bit USB controller and a 30-bit codec sharing one domain (64 KiB granule): a narrow device's failures lower max32_alloc_size for everyone.",
    granule: 65536,
    startPfn: 1,
    cpus: 4,
    apertureBits: 48,
    reserves: [ARM64_MSI_64K],
    devices: [
      {
        name: "nic",
        weight: 60,
        maskBits: 64,
        pci: true,
        size: smallBuffers,
        lifetime: exponential(64),
      },
      {
        name: "usb",
        weight: 25,
        maskBits: 32,
        pci: false,
        size: mixture(
          { weight: 0.8, draw: uniform(1, 64) },
          { weight: 0.2, draw: powerOfTwo(7, 9) },
        ),
        lifetime: exponential(500),
      },
      {
        name: "codec",
        weight: 15,
        maskBits: 30,
        pci: false,
        size: powerOfTwo(0, 8),
        lifetime: exponential(3_000),
      },
    ],
    opsPerMs: 100,
  },
];

/** The names of the IOVA workloads. */
export const IOVA_WORKLOADS: readonly string[] = IOVA_PROFILES.map((p) => p.name);

/**
 * A fresh workload `name` of `ops` ops drawing from `rng`: a named profile, or `fleet`, a sampled
 * domain (./iova-fleet.ts) whose fragmentation a sweep may pin. Throws RangeError on an unknown
 * name.
 */
export function createIovaWorkload(
  name: string,
  rng: Rng,
  ops: number,
  fragmentation?: number,
): IovaTraffic {
  if (name === "fleet") {
    return new IovaTraffic(drawIovaDomain(rng.split("domain"), fragmentation), rng, ops);
  }
  const profile = IOVA_PROFILES.find((p) => p.name === name);
  if (profile === undefined) {
    throw new RangeError(`unknown iova workload "${name}" (known: ${IOVA_WORKLOADS.join(", ")})`);
  }
  return new IovaTraffic(profile, rng, ops);
}
