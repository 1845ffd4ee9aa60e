import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultGoldenDir, thisPackage } from "../../paths.js";
import { VirtualClock } from "../../sim/clock.js";
import { readJsonlFile } from "../../sim/jsonl.js";
import { Rng } from "../../sim/rng.js";
import { replayFile } from "../replay.js";
import { swiotlbModel } from "./index.js";

/** ../shared/golden/swiotlb beside the repository (DMAFUZZ_GOLDEN overrides the golden root). */
const dir = join(defaultGoldenDir(thisPackage().root), "swiotlb");

/**
 * The dump line carries no `expect`, so replayRecords() does not check it: replay the file again
 * and compare the model's dump with the last line's fields.
 */
function dumpOf(variant: string, path: string): { expected: unknown; actual: unknown } {
  const records = readJsonlFile(path);
  const model = swiotlbModel.create(variant, { clock: new VirtualClock(), rng: Rng.seeded(1) });
  let actual: Record<string, unknown> = {};
  for (const record of records) {
    const op = swiotlbModel.decodeOp(record);
    actual = swiotlbModel.expectationOf(op, model.apply(op));
  }
  const expected: Record<string, unknown> = { ...records.at(-1)?.fields };
  delete expected.op;
  return { expected, actual };
}

describe("swiotlb golden traces from the real kernel code", () => {
  it("has the golden traces beside the repository", () => {
    expect(existsSync(dir), `${dir} must exist (CI clones shared/ beside the repo)`).toBe(true);
  });

  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".jsonl"))
        .sort()
    : [];
  for (const file of files) {
    const variant = file.endsWith(".buggy.jsonl") ? "v6.8" : "v6.9";
    it(`${file} replays exactly under ${variant}, final dump included`, () => {
      const path = join(dir, file);
      const outcome = replayFile(swiotlbModel, variant, path);
      expect(outcome.kind === "mismatch" ? outcome.mismatch : null).toBeNull();
      expect(outcome.kind).toBe("ok");
      const { expected, actual } = dumpOf(variant, path);
      expect(actual).toEqual(expected);
    });
  }
});
