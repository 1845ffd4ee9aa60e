import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  canonicalJson,
  formatJsonl,
  parseJsonl,
  readBool,
  readInt,
  readJsonlFile,
  readOptionalBool,
  readOptionalInt,
  readString,
  TraceError,
  type TraceRecord,
} from "./jsonl.js";

function record(fields: Record<string, unknown>): TraceRecord {
  return { file: "t.jsonl", line: 7, fields };
}

/** Runs `f` and returns the TraceError it throws. */
function traceError(f: () => unknown): TraceError {
  try {
    f();
  } catch (error) {
    if (error instanceof TraceError) return error;
    throw error;
  }
  throw new Error("expected a TraceError");
}

describe("TraceError", () => {
  it("puts file and line in front of the reason", () => {
    const error = new TraceError("a.jsonl", 3, "boom");
    expect(error.message).toBe("a.jsonl:3: boom");
    expect([error.file, error.line, error.reason, error.name]).toEqual([
      "a.jsonl",
      3,
      "boom",
      "TraceError",
    ]);
    expect(error).toBeInstanceOf(Error);
  });
});

describe("parseJsonl", () => {
  it("keeps 1-based line numbers, skipping blank lines and handling CRLF and a BOM", () => {
    const text = '\uFEFF{"op":"alloc"}\r\n\r\n   \n{"op":"free","n":2}\n';
    expect(parseJsonl(text, "x.jsonl")).toEqual([
      { file: "x.jsonl", line: 1, fields: { op: "alloc" } },
      { file: "x.jsonl", line: 4, fields: { op: "free", n: 2 } },
    ]);
    expect(parseJsonl("", "x.jsonl")).toEqual([]);
  });

  it("names the line of invalid JSON", () => {
    const error = traceError(() => parseJsonl('{"a":1}\n\n{"a":}\n', "bad.jsonl"));
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^bad\.jsonl:3: invalid JSON \(.+\)$/);
  });

  it("rejects lines that are valid JSON but not objects", () => {
    for (const [line, type] of [
      ["[1]", "array"],
      ["null", "null"],
      ["42", "number"],
      ['"s"', "string"],
      ["true", "boolean"],
    ]) {
      expect(traceError(() => parseJsonl(`{}\n${line}`, "f")).message).toBe(
        `f:2: expected a JSON object, got ${type}`,
      );
    }
  });

  it("round-trips formatJsonl output", () => {
    const objects = fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 8 });
    fc.assert(
      fc.property(objects, (list) => {
        const text = formatJsonl(list);
        expect(text.split("\n").length).toBe(list.length + 1);
        const parsed = parseJsonl(text, "r.jsonl");
        expect(parsed.map((r) => r.line)).toEqual(list.map((_, i) => i + 1));
        expect(parsed.map((r) => canonicalJson(r.fields))).toEqual(list.map(canonicalJson));
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe("readJsonlFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "dmafuzz-jsonl-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads and parses a file, naming it in records", () => {
    const path = join(dir, "ok.jsonl");
    writeFileSync(path, '{"op":"alloc"}\n');
    expect(readJsonlFile(path)).toEqual([{ file: path, line: 1, fields: { op: "alloc" } }]);
  });

  it("reports an unreadable file at line 0 with its error code", () => {
    const path = join(dir, "missing.jsonl");
    expect(traceError(() => readJsonlFile(path)).message).toBe(
      `${path}:0: cannot read file: ENOENT`,
    );
    expect(traceError(() => readJsonlFile(dir)).reason).toBe("cannot read file: EISDIR");
  });

  it("reports bytes that are not UTF-8 instead of replacing them", () => {
    const path = join(dir, "latin1.jsonl");
    writeFileSync(path, Uint8Array.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]));
    expect(traceError(() => readJsonlFile(path)).message).toBe(`${path}:0: not valid UTF-8`);
  });
});

describe("canonicalJson", () => {
  it("is independent of key order, recursively, and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
    expect(canonicalJson(undefined)).toBe("undefined");
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it("gives equal strings exactly for JSON-equal values with shuffled keys", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (x, y) => {
        const shuffled = JSON.parse(JSON.stringify(x), (_k, v: unknown) =>
          typeof v === "object" && v !== null && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v).reverse())
            : v,
        ) as unknown;
        expect(canonicalJson(shuffled)).toBe(canonicalJson(x));
        expect(JSON.parse(canonicalJson(x))).toEqual(JSON.parse(JSON.stringify(x)));
        if (canonicalJson(x) === canonicalJson(y)) {
          expect(JSON.parse(JSON.stringify(y))).toEqual(JSON.parse(JSON.stringify(x)));
        }
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe("field readers", () => {
  it("readInt accepts in-range safe integers and names the field otherwise", () => {
    const r = record({ size: 4096, neg: -3, frac: 1.5, str: "4", big: 2 ** 53 });
    expect(readInt(r, "size")).toBe(4096);
    expect(readInt(r, "neg", -5, 0)).toBe(-3);
    expect(traceError(() => readInt(r, "neg", 1)).message).toBe(
      't.jsonl:7: field "neg": expected an integer in [1, 9007199254740991], got -3',
    );
    expect(traceError(() => readInt(r, "frac")).reason).toBe(
      'field "frac": expected an integer in [0, 9007199254740991], got 1.5',
    );
    expect(traceError(() => readInt(r, "str", 0, 10)).reason).toBe(
      'field "str": expected an integer in [0, 10], got "4"',
    );
    expect(() => readInt(r, "big")).toThrow(TraceError);
    expect(traceError(() => readInt(r, "size", 0, 4095)).line).toBe(7);
    expect(traceError(() => readInt(r, "count")).message).toBe('t.jsonl:7: missing field "count"');
  });

  it("readInt treats bad bounds as a programmer error", () => {
    expect(() => readInt(record({ n: 1 }), "n", 5, 4)).toThrow(RangeError);
  });

  it("readInt agrees with its bounds on arbitrary values", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double(), fc.maxSafeInteger(), fc.jsonValue()),
        fc.integer({ min: -100, max: 100 }),
        fc.nat(200),
        (value, min, width) => {
          const r = record({ v: value });
          const ok =
            Number.isSafeInteger(value) && Number(value) >= min && Number(value) <= min + width;
          if (ok) expect(readInt(r, "v", min, min + width)).toBe(value);
          else expect(() => readInt(r, "v", min, min + width)).toThrow(TraceError);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it("readOptionalInt falls back only when the field is absent", () => {
    const r = record({ n: 3, bad: "x" });
    expect(readOptionalInt(r, "n", 9)).toBe(3);
    expect(readOptionalInt(r, "missing", 9)).toBe(9);
    expect(readOptionalInt(r, "toString", 9)).toBe(9);
    expect(() => readOptionalInt(r, "bad", 9)).toThrow('field "bad"');
    expect(() => readOptionalInt(r, "n", 9, 4, 8)).toThrow("expected an integer in [4, 8], got 3");
  });

  it("readBool and readOptionalBool", () => {
    const r = record({ yes: true, no: false, str: "true" });
    expect(readBool(r, "yes")).toBe(true);
    expect(readBool(r, "no")).toBe(false);
    expect(traceError(() => readBool(r, "str")).reason).toBe(
      'field "str": expected a boolean, got "true"',
    );
    expect(traceError(() => readBool(r, "gone")).reason).toBe('missing field "gone"');
    expect(readOptionalBool(r, "gone", true)).toBe(true);
    expect(readOptionalBool(r, "no", true)).toBe(false);
    expect(() => readOptionalBool(r, "str", true)).toThrow(TraceError);
  });

  it("readString, with and without allowed values", () => {
    const r = record({ op: "map", n: 1 });
    expect(readString(r, "op")).toBe("map");
    expect(readString(r, "op", ["map", "unmap"])).toBe("map");
    expect(traceError(() => readString(r, "op", ["alloc", "free"])).reason).toBe(
      'field "op": expected one of "alloc", "free", got "map"',
    );
    expect(traceError(() => readString(r, "n")).reason).toBe('field "n": expected a string, got 1');
    expect(traceError(() => readString(r, "x")).reason).toBe('missing field "x"');
  });

  it("shortens long bad values in messages", () => {
    const reason = traceError(() => readInt(record({ n: "y".repeat(500) }), "n")).reason;
    expect(reason.length).toBeLessThan(120);
    expect(reason.endsWith("...")).toBe(true);
  });
});
