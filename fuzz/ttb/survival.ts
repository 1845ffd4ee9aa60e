/**
 * Time-to-bug with censoring, as Magma reports it: a trial that never found the bug is censored
 * at its budget. The Kaplan-Meier estimate S(t) is the share of trials still without the bug at
 * time t; its restricted mean (the area under S up to the budget) is a mean time to bug that
 * counts a miss as the whole budget without pretending it was found then.
 */

/** One trial's time and whether the bug was found then (false: censored at that time). */
export interface TimedTrial {
  found: boolean;
  seconds: number;
}

/** A step of S(t): from time `t` on, `s` of the trials are still without the bug. */
export interface SurvivalPoint {
  t: number;
  s: number;
}

/** The Kaplan-Meier curve, starting at (0, 1), one point per distinct time of a find. */
export function survivalCurve(trials: readonly TimedTrial[]): SurvivalPoint[] {
  const sorted = [...trials].sort((a, b) => a.seconds - b.seconds);
  const curve: SurvivalPoint[] = [{ t: 0, s: 1 }];
  let atRisk = sorted.length;
  let s = 1;
  for (let i = 0; i < sorted.length;) {
    const t = sorted[i]!.seconds;
    let found = 0;
    let leaving = 0;
    for (; i < sorted.length && sorted[i]!.seconds === t; i++, leaving++)
      if (sorted[i]!.found) found++;
    if (found > 0) {
      s *= 1 - found / atRisk;
      curve.push({ t, s });
    }
    atRisk -= leaving;
  }
  return curve;
}

/** The area under S(t) from 0 to `horizon` seconds: the restricted mean time to bug. */
export function restrictedMean(curve: readonly SurvivalPoint[], horizon: number): number {
  let area = 0;
  for (let k = 0; k < curve.length; k++) {
    const from = curve[k]!.t;
    if (from >= horizon) break;
    const to = Math.min(curve[k + 1]?.t ?? horizon, horizon);
    area += curve[k]!.s * (to - from);
  }
  return area;
}
