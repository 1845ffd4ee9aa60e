import { describe, expect, it } from "vitest";
import { findingLine, statusLine } from "./status.js";

describe("status lines", () => {
  it("follow libFuzzer's layout", () => {
    const snapshot = { execs: 1234, execPerSec: 56789, cov: 10, ft: 12, corpus: 3, rssMb: 99 };
    expect(statusLine("NEW", snapshot)).toBe(
      "#1234 NEW cov: 10 ft: 12 corp: 3 exec/s: 56789 rss: 99Mb",
    );
    expect(statusLine("pulse", snapshot)).toMatch(/^#1234 pulse cov: 10 /);
  });

  it("print a finding on one line with its directory", () => {
    const line = findingLine({
      signature: "iova-max32-stale",
      kind: "spurious-failure",
      message: "alloc failed\n  although a range fits",
      dir: "out/findings/iova-max32-stale-1234abcd",
      execs: 42,
      ms: 17.6,
    });
    expect(line).toBe(
      "FINDING iova-max32-stale at #42 (18 ms): alloc failed although a range fits -> out/findings/iova-max32-stale-1234abcd",
    );
  });
});
