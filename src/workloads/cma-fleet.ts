/**
 * Sampled pin mixes for the `cma-pins` benchmark: each trial draws a machine's pin behaviour from
 * stated distributions (assumptions chosen to span the 2020 debate's cases, not fleet data), and
 * two parameters can be pinned by a sweep:
 *
 * - pin duration (axis `pin-ms`, the mean transient pin in ms; log-uniform 0.5-100 ms when not
 *   swept): direct I/O pins last uniform(0.1, 2) x that mean, fork's COW pins have that median
 *   and a p99 of 10x it;
 * - churn (axis `churn`, holder forks per second; log-uniform 1-100 when not swept): holders also
 *   exit at 2-10% of the fork rate;
 * - direct I/O on 1-16 pages of a holder at a log-uniform 10-300 per second;
 * - a long-term pin (a driver's plain get_user_pages on one page in the area, never dropped) on
 *   25% of machines.
 */
import type { Rng } from "../sim/rng.js";
import type { CmaPinMix } from "./cma-pins.js";

/** The sweep axes a mix can pin. */
export interface CmaSweep {
  pinMs?: number;
  churn?: number;
}

const logUniform = (rng: Rng, lo: number, hi: number) => lo * (hi / lo) ** rng.float();

/** Draws a pin mix named `name`. */
export function drawCmaMix(rng: Rng, name: string, sweep: CmaSweep = {}): CmaPinMix {
  const pinMs = sweep.pinMs ?? logUniform(rng, 0.5, 100);
  const forkPerSec = sweep.churn ?? logUniform(rng, 1, 100);
  const exitShare = 0.02 + 0.08 * rng.float();
  const dioPerSec = logUniform(rng, 10, 300);
  const longterm = rng.bool(0.25);
  const us = Math.max(1, Math.round(pinMs * 1000));
  const dioMin = Math.max(1, Math.round(us * 0.1));
  return {
    name,
    description: `sampled: pins ~${pinMs.toFixed(1)} ms, ${forkPerSec.toFixed(1)} forks/s, ${dioPerSec.toFixed(0)} dio/s${longterm ? ", a long-term pin" : ""}`,
    dioPerSec,
    forkPerSec,
    exitPerSec: forkPerSec * exitShare,
    longterm,
    boot: {
      dio_min_us: dioMin,
      dio_max_us: Math.max(dioMin, Math.round(us * 2)),
      fork_median_us: us,
      fork_p99_us: us * 10,
    },
  };
}
