import { describe, expect, it } from "vitest";
import { parseJsonl, TraceError } from "../sim/jsonl.js";
import { counterModel } from "./replay.fixture.js";
import { replayFile, replayRecords } from "./replay.js";

const records = (text: string) => parseJsonl(text, "t.jsonl");

describe("replayRecords", () => {
  it("checks every record that carries expectations, including extra dump fields", () => {
    const trace = records(
      [
        '{"op":"inc","by":2,"expect":2}',
        '{"op":"inc","by":3}',
        '{"op":"dump","expect":"ok","total":5}',
      ].join("\n"),
    );
    expect(replayRecords(counterModel, "one", trace)).toEqual({ kind: "ok", ops: 3 });
  });

  it("stops at the first mismatch and names op index, line and field", () => {
    const trace = records(
      [
        '{"op":"inc","by":2,"expect":2}',
        "",
        '{"op":"dump","expect":"ok","total":3}',
        '{"op":"inc","by":1,"expect":0}',
      ].join("\n"),
    );
    expect(replayRecords(counterModel, "one", trace)).toEqual({
      kind: "mismatch",
      ops: 2,
      mismatch: { index: 1, line: 3, field: "total", expected: 3, actual: 2 },
    });
  });

  it("checks a dump line that carries its state without an expect field (the swiotlb form)", () => {
    const trace = records('{"op":"inc","by":4,"expect":4}\n{"op":"dump","total":5}');
    expect(replayRecords(counterModel, "one", trace)).toEqual({
      kind: "mismatch",
      ops: 2,
      mismatch: { index: 1, line: 2, field: "expect", expected: undefined, actual: "ok" },
    });
    const right = records('{"op":"inc","by":4,"expect":4}\n{"op":"dump","total":4,"expect":"ok"}');
    expect(replayRecords(counterModel, "one", right)).toEqual({ kind: "ok", ops: 2 });
  });

  it("counts a missing expectation field as a mismatch", () => {
    const trace = records('{"op":"inc","by":1,"expect":1}\n{"op":"dump","expect":"ok"}');
    expect(replayRecords(counterModel, "one", trace)).toEqual({
      kind: "mismatch",
      ops: 2,
      mismatch: { index: 1, line: 2, field: "total", expected: undefined, actual: 1 },
    });
  });

  it("compares values regardless of key order", () => {
    const def = {
      ...counterModel,
      expectationOf: () => ({ expect: { a: 1, b: [2, { c: 3, d: 4 }] } }),
    };
    const trace = records('{"op":"inc","by":1,"expect":{"b":[2,{"d":4,"c":3}],"a":1}}');
    expect(replayRecords(def, "one", trace)).toEqual({ kind: "ok", ops: 1 });
  });

  it("records results when no record carries expectations", () => {
    const trace = records('{"op":"inc","by":2}\n{"op":"dump"}');
    expect(replayRecords(counterModel, "double", trace)).toEqual({
      kind: "recorded",
      ops: 2,
      trace: [
        { op: "inc", by: 2, expect: 4 },
        { op: "dump", expect: "ok", total: 4 },
      ],
    });
  });

  it("decodes every record before running any op", () => {
    let created = 0;
    const def = {
      ...counterModel,
      create: (...args: Parameters<typeof counterModel.create>) => {
        created++;
        return counterModel.create(...args);
      },
    };
    const trace = records('{"op":"inc","by":1}\n{"op":"inc","by":-1}');
    expect(() => replayRecords(def, "one", trace)).toThrow(TraceError);
    expect(() => replayRecords(def, "one", trace)).toThrow(/^t\.jsonl:2: field "by"/);
    expect(created).toBe(0);
  });

  it("seeds the model's RNG from the seed option, deterministically", () => {
    const roll = (seed?: number) => {
      const outcome = replayRecords(
        counterModel,
        "one",
        records('{"op":"roll"}'),
        seed === undefined ? {} : { seed },
      );
      return outcome.kind === "recorded" ? outcome.trace[0]?.expect : undefined;
    };
    expect(roll()).toBe(roll(1));
    expect(roll(7)).toBe(roll(7));
    expect(roll(7)).not.toBe(roll(8));
  });
});

describe("replayFile", () => {
  it("reports an unreadable file as a TraceError on line 0", () => {
    expect(() => replayFile(counterModel, "one", "/nonexistent/x.jsonl")).toThrow(
      /^\/nonexistent\/x\.jsonl:0: /,
    );
  });
});
