import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  downsamplePoints,
  downsampleSamples,
  downsampleSeries,
  ecdfPoints,
  MAX_SERIES_POINTS,
  seriesProblem,
} from "./series.js";

describe("per-trial series", () => {
  it("down-samples a sample to evenly spaced ranks, keeping its minimum and maximum", () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    const kept = downsampleSamples(values);
    expect(kept).toHaveLength(MAX_SERIES_POINTS);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(999);
    // Rank i * 999 / 199, rounded: the median of the kept values is the sample's median.
    expect(kept[100]).toBe(Math.round((100 * 999) / 199));
    expect(downsampleSamples([3, 1, 2])).toEqual([1, 2, 3]);
    expect(downsampleSamples([1 / 3])).toEqual([0.333333]);
  });

  it("down-samples points at evenly spaced indices, first and last kept", () => {
    const points = Array.from({ length: 401 }, (_, i) => [i / 10, i * i] as [number, number]);
    const kept = downsamplePoints(points);
    expect(kept).toHaveLength(MAX_SERIES_POINTS);
    expect(kept[0]).toEqual([0, 0]);
    expect(kept.at(-1)).toEqual([40, 160_000]);
    expect(
      downsampleSeries({ a: [2, 1], b: [[0, 1]], other: [1] }, [
        { key: "a", label: "a", description: "", kind: "samples", unit: "ms" },
        { key: "b", label: "b", description: "", kind: "time", unit: "KiB" },
      ]),
    ).toEqual({ a: [1, 2], b: [[0, 1]] });
  });

  it("an ECDF is non-decreasing, at most 200 points, and ends at the maximum with fraction 1", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 2000 }),
        (xs) => {
          const points = ecdfPoints(xs);
          expect(points.length).toBeLessThanOrEqual(MAX_SERIES_POINTS);
          expect(points.at(-1)).toEqual({ value: Math.max(...xs), fraction: 1 });
          for (let i = 1; i < points.length; i++) {
            expect(points[i]!.value).toBeGreaterThanOrEqual(points[i - 1]!.value);
            expect(points[i]!.fraction).toBeGreaterThan(points[i - 1]!.fraction);
          }
          // Each point's fraction is the share of the sample at or below... its rank (ties count once).
          for (const p of points) {
            expect(xs.filter((x) => x <= p.value).length / xs.length).toBeGreaterThanOrEqual(
              p.fraction,
            );
          }
        },
      ),
      { seed: 8, numRuns: 200 },
    );
  });

  it("names what is wrong with a stored series", () => {
    expect(seriesProblem({ a: [1, 2], b: [[0, 1]] })).toBeNull();
    expect(seriesProblem([1])).toBe("expected an object of series");
    expect(seriesProblem({ a: 3 })).toBe('series "a": expected an array');
    expect(seriesProblem({ a: [1, null] })).toBe(
      'series "a": expected finite numbers or [t, value] pairs',
    );
    expect(seriesProblem({ a: [[1, 2, 3]] })).toMatch(/expected finite numbers/);
    expect(seriesProblem({ a: new Array(201).fill(0) })).toBe('series "a": more than 200 points');
  });
});
