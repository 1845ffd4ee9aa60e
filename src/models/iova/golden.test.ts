import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultGoldenDir, thisPackage } from "../../paths.js";
import { replayFile } from "../replay.js";
import { iovaModel } from "./index.js";

/** ../shared/golden/iova beside the repository (DMAFUZZ_GOLDEN overrides the golden root). */
const dir = join(defaultGoldenDir(thisPackage().root), "iova");

describe("IOVA golden traces from the real kernel code", () => {
  it("has the golden traces beside the repository", () => {
    expect(existsSync(dir), `${dir} must exist (CI clones shared/ beside the repo)`).toBe(true);
  });

  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".jsonl"))
        .sort()
    : [];
  for (const file of files) {
    const variant = file.endsWith(".pre.jsonl") ? "v5.17" : "v5.18";
    it(`${file} replays exactly under ${variant}`, () => {
      const outcome = replayFile(iovaModel, variant, join(dir, file));
      expect(outcome.kind === "mismatch" ? outcome.mismatch : null).toBeNull();
      expect(outcome.kind).toBe("ok");
    });
  }
});
