/**
 * meminfo model ops as data, with their JSONL form: the zone layout, each zone as a Mem-Info dump
 * prints it (in pages), and the request to check. Lists are strings, as the kernel prints them:
 * `lowmem_reserve` "0 1939 3915 3915", `free_area` "0:U 3:UM 12:UME ..." (block count and the
 * migratetype letters per order; a bare count when the dump printed no letters).
 */
import {
  readInt,
  readOptionalInt,
  readString,
  TraceError,
  type TraceRecord,
} from "../../sim/jsonl.js";
import { decodeGfp } from "./gfp-request.js";

/** The zone types of the kernel's configuration, lowest first, e.g. "DMA DMA32 Normal Movable". */
export interface LayoutOp {
  op: "layout";
  zones: string;
}
/** One zone of one node, as the dump shows it (pages). */
export interface ZoneOp {
  op: "zone";
  node: number;
  name: string;
  free: number;
  min: number;
  low: number;
  high: number;
  highatomic: number;
  free_cma: number;
  lowmem_reserve: string;
  /** Empty when the dump had no per-order line for the zone. */
  free_area: string;
}
/** The request: its order and gfp names; the mark (min in the slowpath), the nodes allowed. */
export interface AllocOp {
  op: "alloc";
  order: number;
  gfp: string;
  mark: "min" | "low" | "high";
  /** Node ids allowed ("0,1"), or "all". */
  nodes: string;
}
export interface DumpOp {
  op: "dump";
}
export type MeminfoOp = LayoutOp | ZoneOp | AllocOp | DumpOp;

export const MEMINFO_OP_NAMES = ["layout", "zone", "alloc", "dump"] as const;
export const ZONE_TYPE_NAMES = ["DMA", "DMA32", "Normal", "HighMem", "Movable", "Device"] as const;
const MAX_PAGES = 2 ** 40;

function fail(record: TraceRecord, what: string): never {
  throw new TraceError(record.file, record.line, what);
}

/** Parses "0 1939 3915" into numbers; throws on anything else. */
export function parseNumberList(text: string): number[] | null {
  const parts = text.trim() === "" ? [] : text.trim().split(/\s+/);
  const out = parts.map((p) => (/^\d{1,15}$/.test(p) ? Number(p) : Number.NaN));
  return out.some(Number.isNaN) ? null : out;
}

/** Parses a free_area string into counts and letters (null letters: none printed at all). */
export function parseFreeArea(
  text: string,
): { counts: number[]; types: (string | null)[] | null } | null {
  if (text.trim() === "") return null;
  const counts: number[] = [];
  const types: (string | null)[] = [];
  let lettered = false;
  for (const part of text.trim().split(/\s+/)) {
    const m = /^(\d{1,12})(?::([UMEHCIR]*))?$/.exec(part);
    if (m === null) return null;
    counts.push(Number(m[1]));
    types.push(m[2] ?? null);
    if (m[2] !== undefined) lettered = true;
  }
  return { counts, types: lettered ? types.map((t) => t ?? "") : null };
}

/** Decodes one trace line; throws TraceError naming file and line on bad input. */
export function decodeMeminfoOp(record: TraceRecord): MeminfoOp {
  const op = readString(record, "op", MEMINFO_OP_NAMES) as MeminfoOp["op"];
  switch (op) {
    case "layout": {
      const zones = readString(record, "zones");
      const names = zones.trim().split(/\s+/);
      const known: readonly string[] = ZONE_TYPE_NAMES;
      if (names.length === 0 || names.some((n) => !known.includes(n))) {
        fail(record, `field "zones": expected zone names from ${ZONE_TYPE_NAMES.join(" ")}`);
      }
      return { op, zones };
    }
    case "zone": {
      const lowmem = readString(record, "lowmem_reserve");
      if (parseNumberList(lowmem) === null)
        fail(record, `field "lowmem_reserve": expected numbers`);
      const area = Object.hasOwn(record.fields, "free_area") ? readString(record, "free_area") : "";
      if (area !== "" && parseFreeArea(area) === null) {
        fail(record, `field "free_area": expected COUNT[:LETTERS] per order`);
      }
      return {
        op,
        node: readInt(record, "node", 0, 1023),
        name: readString(record, "name", ZONE_TYPE_NAMES),
        free: readInt(record, "free", 0, MAX_PAGES),
        min: readInt(record, "min", 0, MAX_PAGES),
        low: readInt(record, "low", 0, MAX_PAGES),
        high: readInt(record, "high", 0, MAX_PAGES),
        highatomic: readOptionalInt(record, "highatomic", 0, 0, MAX_PAGES),
        free_cma: readOptionalInt(record, "free_cma", 0, 0, MAX_PAGES),
        lowmem_reserve: lowmem,
        free_area: area,
      };
    }
    case "alloc": {
      const gfp = readString(record, "gfp");
      const req = decodeGfp(null, gfp, [6, 6], false);
      if (req === null) fail(record, `field "gfp": conflicting zone modifiers in "${gfp}"`);
      if (req.unknown.length > 0) fail(record, `field "gfp": unknown flag "${req.unknown[0]}"`);
      const nodes = Object.hasOwn(record.fields, "nodes") ? readString(record, "nodes") : "all";
      if (nodes !== "all" && !/^\d{1,4}(,\d{1,4})*$/.test(nodes)) {
        fail(record, `field "nodes": expected "all" or node ids like "0,1"`);
      }
      const mark = Object.hasOwn(record.fields, "mark")
        ? (readString(record, "mark", ["min", "low", "high"]) as AllocOp["mark"])
        : "min";
      return { op, order: readInt(record, "order", 0, 20), gfp, mark, nodes };
    }
    case "dump":
      return { op };
  }
}

/** Encodes an op as its flat JSONL object. */
export function encodeMeminfoOp(op: MeminfoOp): Record<string, unknown> {
  return { ...op };
}
