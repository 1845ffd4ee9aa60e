/**
 * A Mem-Info dump turned into meminfo model ops: the zone-type layout that lowmem_reserve[]
 * indexes, and each zone in pages (the page size is the smallest block of the per-order lines).
 */
import type { MeminfoOp } from "../models/meminfo/ops.js";
import { ZONE_TYPE_NAMES } from "../models/meminfo/ops.js";
import type { MemInfo, MemInfoZone } from "./events.js";

/**
 * The zone types of the kernel's configuration, lowest first. lowmem_reserve[] has one entry per
 * type (MAX_NR_ZONES), but only populated zones are printed, so the missing types are filled in
 * the kernel's order (ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_HIGHMEM, ZONE_MOVABLE, ZONE_DEVICE)
 * until the count matches, preferring the types a machine with the printed zones has.
 */
export function zoneLayout(info: MemInfo): { names: string[]; note: string | null } {
  const seen = new Set(info.zones.map((z) => z.name));
  const width = Math.max(0, ...info.zones.map((z) => z.lowmemReserve?.length ?? 0));
  const highmem = seen.has("HighMem");
  const base = highmem
    ? ["DMA", "Normal", "HighMem", "Movable"]
    : ["DMA", "DMA32", "Normal", "Movable"];
  let names: string[] = ZONE_TYPE_NAMES.filter(
    (n) => seen.has(n) || (base.includes(n) && n !== "DMA" && n !== "DMA32"),
  );
  const order: readonly string[] = ZONE_TYPE_NAMES;
  const candidates = [...base, "Device"].filter((n) => !names.includes(n));
  while (names.length < width && candidates.length > 0) {
    const add = candidates.shift() as string;
    names = [...names, add].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  }
  while (names.length > width && width > 0) {
    const drop = [...names].reverse().find((n) => !seen.has(n));
    if (drop === undefined) break;
    names = names.filter((n) => n !== drop);
  }
  const note =
    width === 0
      ? "no lowmem_reserve[] line: zone types assumed " + names.join(" ")
      : names.length !== width
        ? `lowmem_reserve[] has ${width} entries but ${names.length} zone types were inferred`
        : null;
  return { names: [...names], note };
}

/** The page size in kB: the block size of order 0 in the per-order lines (4 when absent). */
export function pageKb(info: MemInfo): number {
  for (const z of info.zones) {
    const first = z.orders?.[0];
    if (first !== undefined && first.sizeKb > 0) return first.sizeKb;
  }
  return 4;
}

function pages(z: MemInfoZone, key: string, kb: number): number | null {
  const value = z.fields[key];
  return value === undefined ? null : Math.max(0, Math.floor(value / kb));
}

/** The `free_area` string of a zone ("3:UM 0 12:UME ..."), "" when the per-order line is missing. */
function freeArea(z: MemInfoZone): string {
  if (z.orders === null) return "";
  const lettered = z.orders.some((o) => o.types !== null);
  return z.orders
    .map((o) => (lettered ? `${o.count}:${o.types ?? ""}` : String(o.count)))
    .join(" ");
}

/** The layout and zone ops of a dump; zones lacking free/min/low/high are left out and named. */
export function zoneOps(info: MemInfo): {
  ops: MeminfoOp[];
  missing: string[];
  layoutNote: string | null;
} {
  const { names, note } = zoneLayout(info);
  const kb = pageKb(info);
  const ops: MeminfoOp[] = [{ op: "layout", zones: names.join(" ") }];
  const missing: string[] = [];
  for (const z of info.zones) {
    const free = pages(z, "free", kb);
    const min = pages(z, "min", kb);
    const low = pages(z, "low", kb);
    const high = pages(z, "high", kb);
    if (free === null || min === null || low === null || high === null || !names.includes(z.name)) {
      missing.push(`Node ${z.node} ${z.name}`);
      continue;
    }
    ops.push({
      op: "zone",
      node: z.node,
      name: z.name,
      free,
      min,
      low: Math.max(low, min),
      high: Math.max(high, low, min),
      highatomic: pages(z, "reserved_highatomic", kb) ?? 0,
      free_cma: pages(z, "free_cma", kb) ?? 0,
      lowmem_reserve: (z.lowmemReserve ?? []).join(" "),
      free_area: freeArea(z),
    });
  }
  return { ops, missing, layoutNote: note };
}
