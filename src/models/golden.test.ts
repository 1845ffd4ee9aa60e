import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { goldenDirs, packageGoldenDir, thisPackage } from "../paths.js";
import { readJsonlFile } from "../sim/jsonl.js";
import { listGoldenFiles } from "./golden-files.js";
import { goldenSets } from "./golden-sets.js";
import { findModel } from "./registry.js";
import { replayFile, replayRecords } from "./replay.js";

// Traces recorded from the real kernel code: the package's golden/ (committed with the
// repository), plus ../shared/golden beside it and $DMAFUZZ_GOLDEN when present (held-out sets).
// Every file must replay exactly on the variant its suffix names, final dump line included.
const packageRoot = thisPackage().root;
const listing = listGoldenFiles(goldenDirs(packageRoot), goldenSets);

for (const set of goldenSets) {
  const def = findModel(set.model);
  describe(`${set.model} golden traces from the real kernel code`, () => {
    it("has its model and its traces committed in golden/", () => {
      expect(def, `model ${set.model} is registered`).toBeDefined();
      const dir = join(packageGoldenDir(packageRoot), set.dir);
      expect(existsSync(dir), `${dir} must exist (golden/ is committed with the repository)`).toBe(
        true,
      );
    });
    if (def === undefined) return;
    for (const { suffix, variant } of set.files) {
      const matching = listing.files.filter(
        (f) => f.model === set.model && f.variant === variant && f.file.endsWith(suffix),
      );
      it(`has ${suffix} files`, () => expect(matching.length).toBeGreaterThan(0));
      it.each(matching.map((f) => [f.file, f.path]))(
        `%s replays exactly under ${variant}`,
        (_, path) => {
          const outcome = replayFile(def, variant, path);
          expect(outcome.kind === "mismatch" ? outcome.mismatch : null).toBeNull();
          expect(outcome.kind).toBe("ok");
        },
      );
      const first = matching[0];
      if (first === undefined) continue;
      it(`a corrupted final dump line of ${first.file} is a mismatch (dump lines are checked)`, () => {
        const records = readJsonlFile(first.path);
        const last = records.at(-1);
        if (last === undefined) throw new Error("empty golden file");
        const field = Object.keys(last.fields).find((k) => k !== "op") as string;
        last.fields[field] = ["corrupted"];
        const outcome = replayRecords(def, variant, records);
        expect(outcome).toMatchObject({
          kind: "mismatch",
          mismatch: { index: records.length - 1, field },
        });
      });
    }
  });
}
