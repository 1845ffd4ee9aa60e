import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderJson, renderMarkdown, renderText } from "./render.js";
import { triageText } from "./triage.js";

const corpus = join(import.meta.dirname, "../../testdata/triage");
const lines = readdirSync(corpus)
  .filter((f) => f.endsWith(".log"))
  .flatMap((f) => readFileSync(join(corpus, f), "latin1").split("\n"));

/** A line of a real log, cut, duplicated, with its digits or words garbled. */
const garbledLine = fc.oneof(
  fc.constantFrom(...lines),
  fc
    .tuple(fc.constantFrom(...lines), fc.nat(200), fc.nat(200))
    .map(([l, a, b]) => l.slice(Math.min(a, b), Math.max(a, b))),
  fc
    .tuple(fc.constantFrom(...lines), fc.stringMatching(/^[0-9a-fx]{1,12}$/))
    .map(([l, n]) => l.replace(/\d+/, n)),
  fc
    .tuple(
      fc.constantFrom(...lines),
      fc.constantFrom("> ", ">> ", "<4>", "[ 1.0] ", "\t", "#012", "=3D"),
    )
    .map(([l, p]) => p + l),
  fc.string({ maxLength: 40 }),
);

/** Logs of 1-60 such lines, or two real logs' lines interleaved. */
const garbledLog = fc.oneof(
  fc.array(garbledLine, { minLength: 1, maxLength: 60 }).map((ls) => ls.join("\n")),
  fc.tuple(fc.nat(lines.length - 1), fc.nat(lines.length - 1), fc.nat(40)).map(([a, b, n]) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++)
      out.push(lines[(a + i) % lines.length] ?? "", lines[(b + i) % lines.length] ?? "");
    return out.join("\n");
  }),
);

describe("triage on garbled logs (fast-check, fixed seed)", () => {
  it("10,000 generated logs each give a result in every format, never an exception", () => {
    fc.assert(
      fc.property(garbledLog, (text) => {
        const result = triageText(text, "garbled.log");
        expect(result.parsed.lines).toBeGreaterThan(0);
        const traces = new Map();
        expect(renderText([result], traces).length).toBeGreaterThan(0);
        expect(renderMarkdown([result], traces).length).toBeGreaterThan(0);
        expect(JSON.parse(renderJson([result], traces)).files).toHaveLength(1);
        for (const v of result.verdicts)
          expect(["agrees", "disagrees", "undecided"]).toContain(v.agreement);
      }),
      { seed: 20261207, numRuns: Number(process.env.TRIAGE_RUNS ?? 10_000) },
    );
  }, 240_000);
});
