/**
 * The meminfo model: zones rebuilt from a Mem-Info dump (free pages, marks, reserves and the
 * per-order free lists) and a request checked against them in zonelist order with one era's
 * __zone_watermark_ok (./zone-check.ts). It answers what get_page_from_freelist decides on the
 * dumped state; reclaim, compaction and the per-CPU lists are outside it (see ./README.md).
 */
import type { Model, ModelContext } from "../model.js";
import { OpRejected } from "../model.js";
import { eraFlags } from "./alloc-flags.js";
import { decodeGfp } from "./gfp-request.js";
import type { MeminfoOp, ZoneOp } from "./ops.js";
import { parseFreeArea, parseNumberList } from "./ops.js";
import type { MeminfoVariant } from "./variants.js";
import { checkZone, type ZoneCheck, type ZoneSnapshot } from "./zone-check.js";

/** A zone check tagged with its node. */
export type NodeZoneCheck = ZoneCheck & { node: number };

export type MeminfoResult =
  | { kind: "ok" }
  | {
      kind: "alloc";
      ok: boolean;
      /** The zone that would have served the request ("Node 0 Normal"), or null. */
      zone: string | null;
      /** Every zone tried, in zonelist order, up to the first that passes. */
      checks: NodeZoneCheck[];
      /** The highest zone the mask allows, and its lowmem_reserve index. */
      highest: string;
      highestIdx: number;
    }
  | { kind: "dump"; zones: { node: number; name: string; free: number }[] };

const FALLBACK: Readonly<Record<string, readonly string[]>> = {
  DMA: ["DMA", "Normal"],
  DMA32: ["DMA32", "Normal"],
  Normal: ["Normal"],
  HighMem: ["HighMem", "Normal"],
  Movable: ["Movable", "HighMem", "Normal"],
};

export class MeminfoModel implements Model<MeminfoOp, MeminfoResult> {
  private layout: string[] = ["DMA", "DMA32", "Normal", "Movable"];
  private zones: ZoneSnapshot[] = [];

  constructor(
    readonly config: MeminfoVariant,
    _context: ModelContext,
  ) {}

  get variant(): string {
    return this.config.name;
  }

  apply(op: MeminfoOp): MeminfoResult {
    switch (op.op) {
      case "layout":
        this.layout = op.zones.trim().split(/\s+/);
        this.zones = [];
        return { kind: "ok" };
      case "zone":
        this.addZone(op);
        return { kind: "ok" };
      case "alloc":
        return this.alloc(op.order, op.gfp, op.mark, op.nodes);
      case "dump":
        return {
          kind: "dump",
          zones: this.zones.map((z) => ({ node: z.node, name: z.name, free: z.free })),
        };
    }
  }

  private addZone(op: ZoneOp): void {
    const idx = this.layout.indexOf(op.name);
    if (idx < 0)
      throw new OpRejected(`zone ${op.name} is not in the layout (${this.layout.join(" ")})`);
    const area = parseFreeArea(op.free_area);
    this.zones.push({
      node: op.node,
      name: op.name,
      idx,
      free: op.free,
      min: op.min,
      low: op.low,
      high: op.high,
      highatomic: op.highatomic,
      freeCma: op.free_cma,
      lowmemReserve: parseNumberList(op.lowmem_reserve) ?? [],
      counts: area?.counts ?? null,
      types: area?.types ?? null,
    });
  }

  /** The lowmem_reserve index gfp_zone() gives on this layout (missing types fall back as the kernel's OPT_ZONE_* do). */
  highestIndex(zone: string): { name: string; idx: number } {
    for (const name of FALLBACK[zone] ?? ["Normal"]) {
      const idx = this.layout.indexOf(name);
      if (idx >= 0) return { name, idx };
    }
    return { name: zone, idx: this.layout.length - 1 };
  }

  private alloc(
    order: number,
    gfp: string,
    mark: "min" | "low" | "high",
    nodes: string,
  ): MeminfoResult {
    const version: [number, number] = [Math.floor(this.config.from / 100), this.config.from % 100];
    const req = decodeGfp(null, gfp, version, this.layout.includes("HighMem"));
    if (req === null) throw new OpRejected(`conflicting zone modifiers in "${gfp}"`);
    const flags = eraFlags(this.config.name, req, order, mark);
    const highest = this.highestIndex(req.zone);
    const allowed = nodes === "all" ? null : new Set(nodes.split(",").map(Number));
    const nodeIds = [...new Set(this.zones.map((z) => z.node))].sort((a, b) => a - b);
    const checks: NodeZoneCheck[] = [];
    for (const node of nodeIds) {
      if (allowed !== null && !allowed.has(node)) continue;
      const list = this.zones
        .filter((z) => z.node === node && z.idx <= highest.idx)
        .sort((a, b) => b.idx - a.idx);
      for (const z of list) {
        const check = { ...checkZone(z, order, flags, highest.idx), node };
        checks.push(check);
        if (check.ok) {
          return {
            kind: "alloc",
            ok: true,
            zone: `Node ${node} ${z.name}`,
            checks,
            highest: highest.name,
            highestIdx: highest.idx,
          };
        }
      }
    }
    return {
      kind: "alloc",
      ok: false,
      zone: null,
      checks,
      highest: highest.name,
      highestIdx: highest.idx,
    };
  }

  check(): string[] {
    const problems: string[] = [];
    for (const z of this.zones) {
      if (z.min > z.low || z.low > z.high)
        problems.push(`${z.name}: marks not ordered min <= low <= high`);
    }
    return problems;
  }

  snapshot(): unknown {
    return { layout: this.layout, zones: this.zones };
  }

  features(): Record<string, number> {
    return { zones: this.zones.length };
  }
}
