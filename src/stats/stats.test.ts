import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bootstrapCI,
  compare,
  mannWhitneyU,
  median,
  normalCdf,
  quantile,
  summarize,
  varghaDelaneyA12,
} from "./index.js";

describe("summary statistics (R's type 7 quantiles)", () => {
  it("matches R on small samples", () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(median([3, 1, 2])).toBe(2);
    expect(summarize([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toMatchObject({
      q1: 3.25,
      median: 5.5,
      q3: 7.75,
      iqr: 4.5,
      mean: 5.5,
    });
  });
});

describe("normal distribution function", () => {
  it("matches tabulated values", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.1586553, 6);
  });
});

describe("Mann-Whitney U (as R's wilcox.test with exact = FALSE)", () => {
  it("separated samples: U = 0, p = 0.01219", () => {
    const r = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r.u).toBe(0);
    expect(r.p).toBeCloseTo(0.01219, 4);
  });

  it("with ties: midranks and the tie correction (W = 2.5, p = 0.1367)", () => {
    const r = mannWhitneyU([1, 2, 2, 3], [2, 3, 4, 5]);
    expect(r.u).toBe(2.5);
    expect(r.p).toBeCloseTo(0.1367, 3);
  });

  it("identical constant samples give p = 1", () => {
    expect(mannWhitneyU([0, 0, 0], [0, 0])).toEqual({ u: 3, p: 1 });
  });

  it("is symmetric: swapping the samples keeps p and mirrors U", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 15 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 15 }),
        (a, b) => {
          const ab = mannWhitneyU(a, b);
          const ba = mannWhitneyU(b, a);
          return (
            Math.abs(ab.p - ba.p) < 1e-12 && Math.abs(ab.u + ba.u - a.length * b.length) < 1e-9
          );
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe("Vargha-Delaney A12 and verdicts", () => {
  it("is P(a > b) with ties counting half", () => {
    expect(varghaDelaneyA12([1, 2, 3], [1, 2, 3])).toBe(0.5);
    expect(varghaDelaneyA12([4, 5], [1, 2])).toBe(1);
    expect(varghaDelaneyA12([1], [1, 2])).toBe(0.25);
  });

  it("says which variant is higher only when the difference is significant and not negligible", () => {
    const low = [0, 0, 0, 1, 0, 0, 0, 0, 1, 0];
    const high = [5, 6, 7, 5, 6, 8, 7, 6, 5, 9];
    expect(compare("failure rate", "v5.17", high, "v5.18", low).verdict).toMatch(
      /^v5\.17 has higher failure rate than v5\.18/,
    );
    expect(compare("failure rate", "v5.18", low, "v5.17", high).verdict).toMatch(
      /^v5\.18 has lower failure rate/,
    );
    expect(compare("latency", "a", [1, 2, 3], "b", [1, 2, 3]).verdict).toMatch(
      /^no clear difference in latency/,
    );
  });
});

describe("bootstrap confidence interval", () => {
  it("is reproducible for a seed and brackets the sample median", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }),
        (sample) => {
          const [lo, hi] = bootstrapCI(sample, median, { resamples: 200 });
          const again = bootstrapCI(sample, median, { resamples: 200 });
          return lo <= median(sample) && median(sample) <= hi && again[0] === lo && again[1] === hi;
        },
      ),
      { seed: 11, numRuns: 100 },
    );
  });

  it("narrows as the sample grows", () => {
    const draw = (n: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 100);
    const width = (n: number) => {
      const [lo, hi] = bootstrapCI(draw(n));
      return hi - lo;
    };
    expect(width(400)).toBeLessThan(width(20) / 2);
  });
});
