/**
 * The JSONL trace codec: golden traces, fuzz reproducers, regression files and workloads are all
 * one JSON object per line. Bad input must produce one clear message naming file and line, so
 * every error here is a TraceError carrying both.
 */
import { readFileSync } from "node:fs";
import { requireInt } from "./require-int.js";

/** One non-blank line of a JSONL trace. */
export interface TraceRecord {
  /** The file (or other source name) the line came from. */
  file: string;
  /** 1-based line number in the file. */
  line: number;
  /** The line's JSON object. */
  fields: Record<string, unknown>;
}

/** Bad input in a trace: message is `${file}:${line}: ${reason}` (line 0 = the file as a whole). */
export class TraceError extends Error {
  /** The file the bad input came from. */
  readonly file: string;
  /** 1-based line number, or 0 when the file as a whole is at fault. */
  readonly line: number;
  /** What is wrong, without the location prefix. */
  readonly reason: string;

  /** Builds the error; the message is `${file}:${line}: ${reason}`. */
  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.name = "TraceError";
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}

/**
 * Parses JSONL text; blank lines are skipped; every other line must be one JSON object (not
 * array/null/number), else TraceError with that line and a short reason such as
 * `invalid JSON (Unexpected token ...)` or `expected a JSON object, got array`. Handles \r\n and a
 * leading byte-order mark.
 */
export function parseJsonl(text: string, file: string): TraceRecord[] {
  const records: TraceRecord[] = [];
  const lines = (text.startsWith("\uFEFF") ? text.slice(1) : text).split("\n");
  lines.forEach((raw, index) => {
    const line = index + 1;
    const source = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (source.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      throw new TraceError(file, line, `invalid JSON (${(error as Error).message})`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new TraceError(file, line, `expected a JSON object, got ${jsonType(value)}`);
    }
    records.push({ file, line, fields: value as Record<string, unknown> });
  });
  return records;
}

/**
 * Reads and parses a file; an unreadable file is TraceError(path, 0, "cannot read file: <code or
 * message>"), and a file that is not UTF-8 is TraceError(path, 0, "not valid UTF-8").
 */
export function readJsonlFile(path: string): TraceRecord[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new TraceError(path, 0, `cannot read file: ${code ?? message}`);
  }
  let text: string;
  try {
    // A lenient decode would turn bad bytes into U+FFFD and hide the problem.
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new TraceError(path, 0, "not valid UTF-8");
  }
  return parseJsonl(text, path);
}

/** One JSON.stringify per object, each followed by "\n". */
export function formatJsonl(objects: readonly Record<string, unknown>[]): string {
  return objects.map((object) => `${JSON.stringify(object)}\n`).join("");
}

/**
 * JSON text with object keys sorted recursively, so that values equal up to key order give the
 * same string. Follows JSON.stringify otherwise (toJSON, undefined members dropped); a value that
 * JSON cannot represent at top level (undefined, a function) gives "undefined".
 */
export function canonicalJson(value: unknown): string {
  const text: string | undefined = JSON.stringify(value, (_key, member: unknown) => {
    if (typeof member !== "object" || member === null || Array.isArray(member)) return member;
    const entries = Object.entries(member).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries);
  });
  return text ?? "undefined";
}

/**
 * Reads a required integer field in [min, max] (safe integers only; defaults min = 0,
 * max = Number.MAX_SAFE_INTEGER); throws TraceError naming the field, e.g.
 * `field "size": expected an integer in [1, 9007199254740991], got -3` or `missing field "size"`.
 */
export function readInt(
  record: TraceRecord,
  key: string,
  min = 0,
  max: number = Number.MAX_SAFE_INTEGER,
): number {
  requireInt("min", min, Number.MIN_SAFE_INTEGER);
  requireInt("max", max, min);
  const value = field(record, key);
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw fieldError(record, key, `expected an integer in [${min}, ${max}]`, value);
  }
  return value;
}

/** Like readInt, but an absent field gives `fallback`. */
export function readOptionalInt(
  record: TraceRecord,
  key: string,
  fallback: number,
  min = 0,
  max: number = Number.MAX_SAFE_INTEGER,
): number {
  return has(record, key) ? readInt(record, key, min, max) : fallback;
}

/** Reads a required boolean field; throws TraceError naming the field otherwise. */
export function readBool(record: TraceRecord, key: string): boolean {
  const value = field(record, key);
  if (typeof value !== "boolean") throw fieldError(record, key, "expected a boolean", value);
  return value;
}

/** Like readBool, but an absent field gives `fallback`. */
export function readOptionalBool(record: TraceRecord, key: string, fallback: boolean): boolean {
  return has(record, key) ? readBool(record, key) : fallback;
}

/**
 * Reads a required string field, optionally one of `allowed`; throws TraceError naming the field,
 * e.g. `field "op": expected one of "alloc", "free", got "map"`.
 */
export function readString(record: TraceRecord, key: string, allowed?: readonly string[]): string {
  const value = field(record, key);
  if (typeof value !== "string") throw fieldError(record, key, "expected a string", value);
  if (allowed !== undefined && !allowed.includes(value)) {
    const choices = allowed.map((choice) => JSON.stringify(choice)).join(", ");
    throw fieldError(record, key, `expected one of ${choices}`, value);
  }
  return value;
}

/** Own properties only, so that `toString` and friends never read as present. */
function has(record: TraceRecord, key: string): boolean {
  return Object.hasOwn(record.fields, key) && record.fields[key] !== undefined;
}

function field(record: TraceRecord, key: string): unknown {
  if (!has(record, key)) throw new TraceError(record.file, record.line, `missing field "${key}"`);
  return record.fields[key];
}

function fieldError(record: TraceRecord, key: string, expected: string, got: unknown): TraceError {
  return new TraceError(record.file, record.line, `field "${key}": ${expected}, got ${show(got)}`);
}

/** A short rendering of a bad value for an error message. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "array" : typeof value;
}
