/**
 * Sampled dma-iommu domains for the `iova-longrun` benchmark: each trial draws the devices that
 * share a domain and their traffic from stated distributions (assumptions spanning the seed
 * report's cases, not fleet data), with one parameter a sweep can pin:
 *
 * - fragmentation (axis `fragmentation`, f in [0, 1]; uniform when not swept): the share of
 *   mapping requests that are long-lived receive buffers and rings, 10% + 60% f of them, with
 *   mean lifetimes of 1,000 + 20,000 f requests; the rest are transmit buffers unmapped after a
 *   mean of 20-200 requests. Long-lived buffers scattered among short ones are what fragments
 *   the 32-bit window.
 *
 * Also drawn: 2-8 CPUs; frame buffers (2^6-2^10 granules, 1-4% of requests); a 64-bit PCI NIC
 * that tries below 4 GiB first (on 50% of domains, 20-60% of requests) and a 30-bit codec (on
 * 30%, 5-15%); 64 KiB granules (arm64 with 64 KiB pages, so a job reaches a long-running
 * system's occupancy of the 32-bit window).
 */
import type { Rng } from "../sim/rng.js";
import { exponential, mixture, powerOfTwo, uniform } from "./distributions.js";
import type { IovaDevice, IovaTrafficProfile } from "./iova-traffic.js";

const smallBuffers = mixture(
  { weight: 0.6, draw: powerOfTwo(0, 5) },
  { weight: 0.4, draw: uniform(1, 32) },
);

/** Draws a domain's traffic; `fragmentation` pins f. */
export function drawIovaDomain(rng: Rng, fragmentation?: number): IovaTrafficProfile {
  const f = fragmentation ?? rng.float();
  const longShare = 0.1 + 0.6 * f;
  const longMean = 1000 + 20_000 * f;
  const devices: IovaDevice[] = [
    {
      name: "tx",
      weight: 100 * (1 - longShare),
      maskBits: 32,
      pci: false,
      size: smallBuffers,
      lifetime: exponential(20 + 180 * rng.float()),
    },
    {
      name: "rx",
      weight: 85 * longShare,
      maskBits: 32,
      pci: false,
      size: smallBuffers,
      lifetime: exponential(longMean),
    },
    {
      name: "rings",
      weight: 15 * longShare,
      maskBits: 32,
      pci: false,
      size: uniform(1, 16),
      lifetime: exponential(longMean * 4),
    },
    {
      name: "frames",
      weight: 1 + 3 * rng.float(),
      maskBits: 32,
      pci: false,
      size: powerOfTwo(6, 10),
      lifetime: exponential(2000),
    },
  ];
  if (rng.bool(0.5)) {
    devices.push({
      name: "nic",
      weight: 25 + 125 * rng.float(),
      maskBits: 64,
      pci: true,
      size: smallBuffers,
      lifetime: exponential(64),
    });
  }
  if (rng.bool(0.3)) {
    devices.push({
      name: "codec",
      weight: 5 + 10 * rng.float(),
      maskBits: 30,
      pci: false,
      size: powerOfTwo(0, 8),
      lifetime: exponential(3000),
    });
  }
  return {
    name: "fleet",
    description: `sampled domain, fragmentation ${f.toFixed(2)}`,
    granule: 65536,
    startPfn: 1,
    cpus: rng.int(2, 8),
    apertureBits: 48,
    reserves: [[0x800, 0x80f]],
    devices,
    opsPerMs: 100,
  };
}
