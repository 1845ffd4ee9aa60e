/**
 * Sampled Raspberry Pi 4 machines for the `swiotlb-dynamic` benchmark: each trial draws a board
 * and the frames it imports from stated distributions (assumptions spanning the 2023 thread's
 * cases, not fleet data); two parameters can be pinned by a sweep:
 *
 * - frame size (axis `frame-mib`, MiB at 4 bytes per pixel; when not swept one of 720p, 1080p,
 *   1440p or 4K, equally likely);
 * - the boot pool (axis `pool-mib`, swiotlb=; when not swept 64 MiB on 60% of boards, 32 or
 *   128 MiB on 20% each). The `v6.9-256M` variant keeps its 256 MiB.
 *
 * Also drawn: RAM 2, 4 or 8 GiB (the share of a frame's pages above the 1 GiB that vc4 reaches is
 * 1 - 1/RAM), 2 to 4 frames in flight, 30 or 60 frames per second, and how v3d's buffers are laid
 * out: the share of segments that are 68 KiB to 1 MiB runs (10-40%).
 */
import { DMA_ATTR_MAY_SLEEP, type InitOp, type MapOp } from "../models/swiotlb/ops.js";
import type { Rng } from "../sim/rng.js";
import { mixture, powerOfTwo, uniform } from "./distributions.js";
import type { SwiotlbProfile } from "./swiotlb.js";

/** The sweep axes a board can pin. */
export interface SwiotlbSweep {
  frameMib?: number;
  poolMib?: number;
}

const MIB = 2 ** 20;
const GIB = 2 ** 30;
const RPI4_LIMIT = GIB - 1;
const FRAMES: readonly [number, number][] = [
  [1280, 720],
  [1920, 1080],
  [2560, 1440],
  [3840, 2160],
];

/** A sampled board as a swiotlb profile, and its boot pool in MiB. */
export function drawRpi4Board(
  rng: Rng,
  sweep: SwiotlbSweep = {},
): { profile: SwiotlbProfile; poolMib: number } {
  const [w, h] = rng.pick(FRAMES);
  const frameBytes = Math.max(4096, Math.round((sweep.frameMib ?? (w * h * 4) / MIB) * MIB));
  const poolMib = sweep.poolMib ?? (rng.bool(0.6) ? 64 : rng.bool(0.5) ? 32 : 128);
  const ramGib = rng.pick([2, 4, 8]);
  const inFlight = rng.int(2, 4);
  const msPerBurst = rng.bool(0.5) ? 16 : 33;
  const bigShare = 0.1 + 0.3 * rng.float();
  const segmentBytes = mixture(
    { weight: 1 - bigShare, draw: (r) => 4096 * powerOfTwo(0, 4)(r) },
    { weight: bigShare * 0.8, draw: (r) => 4096 * uniform(17, 64)(r) },
    { weight: bigShare * 0.2, draw: (r) => 4096 * uniform(65, 256)(r) },
  );
  const pages = ramGib * 256 * 1024;
  const init: InitOp = {
    op: "init",
    nslabs: poolMib * 512,
    nareas: 4,
    start: 0x2c00_0000,
    page_size: 4096,
    layout: "rpi4",
    ram_mib: ramGib * 1024,
  };
  const burst = (r: Rng) => {
    const maps: Omit<MapOp, "op" | "cpu" | "seg_boundary_mask">[] = [];
    for (let left = frameBytes; left > 0;) {
      const size = Math.min(left, segmentBytes(r));
      left -= size;
      const orig = 4096 * r.int(0, pages - 256);
      if (orig + size - 1 <= RPI4_LIMIT) continue;
      maps.push({
        orig,
        size,
        alloc_size: size,
        alloc_align_mask: 0,
        min_align_mask: 0,
        attrs: DMA_ATTR_MAY_SLEEP,
        dma_limit: RPI4_LIMIT,
        io_path: 0,
      });
    }
    return maps;
  };
  const mib = (frameBytes / MIB).toFixed(1);
  return {
    profile: {
      name: "rpi4-fleet",
      description: `sampled RPi4: ${ramGib} GiB, ${mib} MiB frames, ${inFlight} in flight every ${msPerBurst} ms, ${poolMib} MiB pool`,
      init,
      burst,
      inFlight,
      msPerBurst,
    },
    poolMib,
  };
}
