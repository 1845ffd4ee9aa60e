import { describe, expect, it } from "vitest";
import { SUITE_NAMES } from "../suites/registry.js";
import { parseScalingOptions } from "./scaling.js";

describe("scaling options", () => {
  it("defaults to every suite, quick, 2 workers and 3 rounds", () => {
    expect(parseScalingOptions([])).toEqual({
      suites: SUITE_NAMES,
      workers: 2,
      rounds: 3,
      trials: 10,
      quick: true,
    });
  });

  it("reads one suite, the worker count and the full matrix", () => {
    const options = parseScalingOptions(["--suite", "cma-pins", "--workers", "4", "--full"]);
    expect(options).toMatchObject({ suites: ["cma-pins"], workers: 4, quick: false });
  });

  it("refuses an unknown suite, one worker and a fractional round count", () => {
    expect(() => parseScalingOptions(["--suite", "nope"])).toThrow(/unknown suite 'nope'/);
    expect(() => parseScalingOptions(["--workers", "1"])).toThrow(/--workers must be >= 2/);
    expect(() => parseScalingOptions(["--rounds", "1.5"])).toThrow(/--rounds must be >= 1/);
  });
});
