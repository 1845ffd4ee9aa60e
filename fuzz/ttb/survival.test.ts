import { describe, expect, it } from "vitest";
import { restrictedMean, survivalCurve } from "./survival.js";

describe("Kaplan-Meier survival of time to bug", () => {
  it("steps down at each find and keeps censored trials at risk until their budget", () => {
    const curve = survivalCurve([
      { found: true, seconds: 2 },
      { found: false, seconds: 10 },
      { found: true, seconds: 4 },
      { found: true, seconds: 4 },
    ]);
    expect(curve).toEqual([
      { t: 0, s: 1 },
      { t: 2, s: 0.75 },
      { t: 4, s: 0.25 },
    ]);
    // 2 s at 1, 2 s at 0.75, 6 s at 0.25 up to the 10 s budget.
    expect(restrictedMean(curve, 10)).toBeCloseTo(2 + 1.5 + 1.5);
  });

  it("gives the whole budget as the mean when nothing was found", () => {
    const curve = survivalCurve([0, 1, 2].map(() => ({ found: false, seconds: 5 })));
    expect(curve).toEqual([{ t: 0, s: 1 }]);
    expect(restrictedMean(curve, 5)).toBe(5);
  });

  it("counts an early censoring out of the risk set for later finds", () => {
    const curve = survivalCurve([
      { found: false, seconds: 1 },
      { found: true, seconds: 3 },
      { found: false, seconds: 6 },
    ]);
    expect(curve.at(-1)).toEqual({ t: 3, s: 0.5 });
  });
});
