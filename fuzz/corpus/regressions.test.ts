import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CANARIES } from "../../src/oracles/canaries.js";
import { readJsonlFile } from "../../src/sim/jsonl.js";
import { target as cma } from "../targets/cma.fuzz.js";
import { target as dmapool } from "../targets/dmapool.fuzz.js";
import { target as iova } from "../targets/iova.fuzz.js";
import { target as noncontig } from "../targets/noncontig.fuzz.js";
import { target as pagealloc } from "../targets/pagealloc.fuzz.js";
import { target as swiotlb } from "../targets/swiotlb.fuzz.js";

// Minimized reproducers of the known bugs, found by dmafuzz's own campaigns: fuzz/corpus/
// <model>/<canary>.jsonl, one for every canary. Each must fire its canary on the variant the canary
// is timed on (the one it was minimized on; other buggy variants can need other sequences, so the
// models' tests hold every buggy variant to a spec reproducer), and never where the canary has to
// stay silent.
const targets = { cma, dmapool, iova, noncontig, pagealloc, swiotlb };
const here = import.meta.dirname;

for (const model of Object.keys(targets) as (keyof typeof targets)[]) {
  const dir = join(here, model);
  const files = readdirSync(here).includes(model)
    ? readdirSync(dir).filter((f) => f.endsWith(".jsonl"))
    : [];
  describe.runIf(files.length > 0)(`${model} regressions`, () => {
    it.each(files)("%s fires on its buggy variant and never where it must not", (file) => {
      const canary = CANARIES.find((c) => `${c.id}.jsonl` === file);
      expect(canary, `${file} names a canary`).toBeDefined();
      if (canary === undefined) return;
      const trace = readJsonlFile(join(dir, file)).map((r) => r.fields);
      const target = targets[model];
      expect(target.replay(trace, canary.firesOn[0] as string)?.canary).toBe(canary.id);
      for (const variant of canary.silentOn)
        expect(target.replay(trace, variant)?.canary, variant).not.toBe(canary.id);
    });
  });
}

describe("the regression corpus", () => {
  it("holds a reproducer for every canary", () => {
    for (const canary of CANARIES) {
      const files = readdirSync(join(here, canary.model));
      expect(files, canary.id).toContain(`${canary.id}.jsonl`);
    }
  });
});
