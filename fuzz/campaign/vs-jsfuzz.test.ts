import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { groupCpuSeconds, jsfuzzShim, parseOptions } from "./vs-jsfuzz.js";

describe("the dmafuzz-against-jsfuzz comparison", () => {
  const dir = mkdtempSync(join(tmpdir(), "dmafuzz-vs-jsfuzz-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("feeds jsfuzz's inputs to the target cut to the length cap, and counts them", () => {
    // A stand-in CommonJS target that records the lengths it is given.
    const target = join(dir, "target.cjs");
    writeFileSync(
      target,
      "exports.seen = [];\nexports.fuzz = (data) => exports.seen.push(data.length);\n",
    );
    const counts = join(dir, "counts.json");
    writeFileSync(join(dir, "shim.cjs"), jsfuzzShim(target, 64, counts));
    const require = createRequire(import.meta.url);
    const shim = require(join(dir, "shim.cjs")) as { fuzz: (data: Buffer) => void };
    const seen = (require(target) as { seen: number[] }).seen;
    for (let i = 0; i < 4096; i++) shim.fuzz(Buffer.alloc(i % 2 === 0 ? 100 : 10));
    expect(seen.slice(0, 4)).toEqual([64, 10, 64, 10]);
    expect(JSON.parse(readFileSync(counts, "utf8"))).toEqual({ execs: 4096, bytes: 2048 * 74 });
  });

  it("defaults to the IOVA target at a 64-byte cap and rejects bad options", () => {
    expect(parseOptions([])).toEqual({
      target: "iova",
      variant: "v6.7",
      maxLen: 64,
      seconds: 20,
      rounds: 3,
    });
    expect(parseOptions(["--max-len", "128", "--rounds", "5"])).toMatchObject({
      maxLen: 128,
      rounds: 5,
    });
    expect(() => parseOptions(["--max-len", "0"])).toThrow(/--max-len must be a positive integer/);
    expect(() => parseOptions(["--speed", "1"])).toThrow(/unknown option --speed/);
  });

  it.runIf(process.platform === "linux")(
    "reads the CPU time of a process group from /proc",
    async () => {
      // A child in its own group that spins for 400 ms, then idles until killed.
      const child = spawn(
        process.execPath,
        ["-e", "const t = Date.now(); while (Date.now() - t < 400); setTimeout(() => {}, 10000);"],
        { detached: true, stdio: "ignore" },
      );
      await new Promise((resolve) => setTimeout(resolve, 900));
      const used = groupCpuSeconds(child.pid as number);
      process.kill(-(child.pid as number), "SIGKILL");
      expect(used).toBeGreaterThanOrEqual(0.2);
      expect(used).toBeLessThan(5);
      expect(groupCpuSeconds(2 ** 22 + 7)).toBe(0); // no such group
    },
    10_000,
  );
});
