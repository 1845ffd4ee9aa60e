/**
 * Sampled machines for the `atomic-pool-boot` benchmark: each trial draws a boot layout and its
 * devices from stated distributions (assumptions spanning the has_managed_dma() series' cases,
 * not fleet data):
 *
 * - `fleet`: x86_64 (35%; 1-32 GiB), arm64 (20%; 2-8 GiB), Raspberry Pi 4 (20%; 1-8 GiB) or the
 *   x86_64 kdump kernel (25%; crashkernel= 128-512 MiB), RAM sizes equally likely among powers
 *   of two;
 * - `kdump-fleet`: the x86_64 kdump kernel with crashkernel= uniform in 128-1024 MiB in 32 MiB
 *   steps (axis `crashkernel-mib` pins it);
 * - both: each of the layout's devices present with probability 0.7 (at least one), an op frees
 *   a live block with probability 0.3-0.6, and 10% of machines boot with coherent_pool=256K or 1M.
 */
import type { Rng } from "../sim/rng.js";
import {
  ARM64_DEVICES,
  type PoolBootLayout,
  type PoolDevice,
  RPI4_DEVICES,
  X86_DEVICES,
} from "./atomic-pool.js";
import { pickWeighted } from "./distributions.js";

const LAYOUTS = [
  {
    weight: 0.35,
    layout: "x86_64",
    mib: [1, 2, 4, 8, 16, 32].map((g) => g * 1024),
    devices: X86_DEVICES,
  },
  { weight: 0.2, layout: "arm64", mib: [2048, 4096, 8192], devices: ARM64_DEVICES },
  { weight: 0.2, layout: "rpi4", mib: [1024, 2048, 4096, 8192], devices: RPI4_DEVICES },
  { weight: 0.25, layout: "x86_64-kdump", mib: [128, 256, 512], devices: X86_DEVICES },
] as const;

/** Draws a machine for workload `name` (`fleet` or `kdump-fleet`); `crashkernelMib` pins kdump's size. */
export function drawPoolMachine(rng: Rng, name: string, crashkernelMib?: number): PoolBootLayout {
  const kdump = name === "kdump-fleet";
  const pick = kdump ? (LAYOUTS[3] as (typeof LAYOUTS)[number]) : pickWeighted(rng, LAYOUTS);
  const ramMib = kdump ? (crashkernelMib ?? 128 + 32 * rng.int(0, 28)) : rng.pick(pick.mib);
  let devices: PoolDevice[] = pick.devices.filter(() => rng.bool(0.7));
  if (devices.length === 0) devices = [rng.pick(pick.devices)];
  const coherentPoolKib = rng.bool(0.1) ? rng.pick([256, 1024]) : 0;
  return {
    name,
    description: `sampled ${pick.layout} with ${ramMib} MiB`,
    layout: pick.layout,
    ramMib,
    devices,
    freeShare: 0.3 + 0.3 * rng.float(),
    coherentPoolKib,
  };
}
