import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultGoldenDir, thisPackage } from "../paths.js";
import { readJsonlFile } from "../sim/jsonl.js";
import { goldenSets } from "./golden-sets.js";
import { findModel } from "./registry.js";
import { replayFile, replayRecords } from "./replay.js";

// Traces recorded from the real kernel code (../shared/golden): every file must replay exactly
// on the variant its suffix names, final dump line included.
const root = defaultGoldenDir(thisPackage().root);

for (const set of goldenSets) {
  const dir = join(root, set.dir);
  const def = findModel(set.model);
  describe(`${set.model} golden traces from the real kernel code`, () => {
    it("has its model and its traces beside the repository", () => {
      expect(def, `model ${set.model} is registered`).toBeDefined();
      expect(existsSync(dir), `${dir} must exist (golden/ is committed with the repository)`).toBe(true);
    });
    if (def === undefined || !existsSync(dir)) return;
    const files = readdirSync(dir).sort();
    for (const { suffix, variant } of set.files) {
      const matching = files.filter((f) => f.endsWith(suffix));
      it.each(matching)(`%s replays exactly under ${variant}`, (file) => {
        const outcome = replayFile(def, variant, join(dir, file));
        expect(outcome.kind === "mismatch" ? outcome.mismatch : null).toBeNull();
        expect(outcome.kind).toBe("ok");
      });
      it(`a corrupted final dump line of ${matching[0]} is a mismatch (dump lines are checked)`, () => {
        const records = readJsonlFile(join(dir, matching[0] as string));
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
