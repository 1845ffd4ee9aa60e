/**
 * The Mem-Info block of show_free_areas() (mm/page_alloc.c, mm/show_mem.c from v6.3): the
 * summary (`free:N free_pcp:N free_cma:N`), one line per populated zone (`Node 0 Normal
 * free:5692kB boost:0kB min:4032kB ...`; before v4.8 without `Node N`), its `lowmem_reserve[]:`,
 * and per zone the free areas `N*4kB (UME) ... = TkB`. Lines of other CPUs interleaved in the
 * block are skipped; a block that stops early leaves its zones without the missing parts.
 */
import type { LogLine } from "./normalize.js";
import type { MemInfo, MemInfoZone } from "./events.js";

const ZONE_LINE = /^(?:Node (\d+) )?(DMA32|DMA|Normal|HighMem|Movable|Device) free:/;
const ORDER_LINE = /^(?:Node (\d+) )?(DMA32|DMA|Normal|HighMem|Movable|Device): (.*)$/;
const BLOCK_END = /total pagecache pages|pages RAM$|pages in swap cache|Free swap|hugepages_total=/;
const MAX_FOREIGN = 60;
/** Lines that start another event: the block ends there. */
const EVENT_MARK =
  /page allocation failure|invoked oom-killer|^Mem-[Ii]nfo:|swiotlb buffer is full|DMA: (?:preallocated|failed to allocate)|cma_alloc|alloc_contig_range|memory alloc failed|snd_dma_alloc/;

/** `key:valuekB` fields of a zone line (kB; KB and MB accepted; bare numbers kept as is). */
function zoneFields(text: string): Record<string, number> {
  const fields: Record<string, number> = {};
  const re = /([a-z_()]+):\s?(-?\d+)(kB|KB|MB)?/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const value = Number(m[2]) * (m[3] === "MB" ? 1024 : 1);
    if (!Object.hasOwn(fields, m[1] as string)) fields[m[1] as string] = value;
  }
  return fields;
}

/** The per-order entries `N*SkB (TYPES)` (also `N_SkB` when markdown ate the asterisks). */
function orderEntries(body: string): MemInfoZone["orders"] {
  const compact = body.replace(/=\s*\d+\s*kB\s*$/, "").replace(/\s+/g, "");
  const re = /(\d+)[*_](\d+)kB(?:\(([UMEHCIR]*)\))?/g;
  const out: NonNullable<MemInfoZone["orders"]> = [];
  for (let m = re.exec(compact); m !== null; m = re.exec(compact)) {
    out.push({ count: Number(m[1]), sizeKb: Number(m[2]), types: m[3] ?? null });
  }
  return out.length > 0 ? out : null;
}

/** Whether `text` is a zone line of a Mem-Info dump. */
export function isZoneLine(text: string): boolean {
  return ZONE_LINE.test(text);
}

/**
 * Parses the block that starts at `lines[start]` ("Mem-Info:"); returns it and the next index.
 * With `resume`, the block's zone lines come later (another CPU's or a mail reply's lines came in
 * between): parsing starts at `start` itself and adds to that block.
 */
export function parseMemInfo(
  lines: readonly LogLine[],
  start: number,
  resume?: MemInfo,
): { info: MemInfo; next: number } {
  const first = (lines[start] as LogLine).line;
  const info: MemInfo = resume ?? {
    line: first,
    quote: (lines[start] as LogLine).quote,
    summary: {},
    zones: [],
    notes: [],
  };
  let foreign = 0;
  let last: MemInfoZone | null = null;
  let i = resume === undefined ? start + 1 : start;
  const depth = (lines[start] as LogLine).quote;
  for (; i < lines.length && foreign < MAX_FOREIGN; i++) {
    const { text, quote } = lines[i] as LogLine;
    if (EVENT_MARK.test(text)) break;
    if (quote !== depth) {
      // Another message's lines (a mail reply's own text): a zone line there starts its own block.
      if (ZONE_LINE.test(text) || ORDER_LINE.test(text)) break;
      if (text !== "") foreign++;
      continue;
    }
    if (BLOCK_END.test(text)) {
      if (/total pagecache pages|pages RAM$/.test(text)) break;
      continue;
    }
    const zone = ZONE_LINE.exec(text);
    if (zone !== null) {
      last = {
        node: Number(zone[1] ?? 0),
        name: zone[2] as string,
        fields: zoneFields(text),
        lowmemReserve: null,
        orders: null,
        orderTotalKb: null,
      };
      info.zones.push(last);
      foreign = 0;
      continue;
    }
    const reserve = /^lowmem_reserve\[\]:\s*([\d ]*)$/.exec(text);
    if (reserve !== null) {
      if (last !== null && last.lowmemReserve === null) {
        const nums = (reserve[1] ?? "").trim();
        last.lowmemReserve = nums === "" ? [] : nums.split(/\s+/).map(Number);
      }
      continue;
    }
    const order = ORDER_LINE.exec(text);
    if (order !== null && /\d+[*_]\d+kB/.test(order[3] as string)) {
      const node = Number(order[1] ?? 0);
      const z = info.zones.find((c) => c.node === node && c.name === order[2] && c.orders === null);
      const entries = orderEntries(order[3] as string);
      if (z === undefined)
        info.notes.push(`per-order line for Node ${node} ${order[2]} without its zone line`);
      else {
        z.orders = entries;
        const total = /=\s*(\d+)\s*kB\s*$/.exec(order[3] as string);
        z.orderTotalKb = total ? Number(total[1]) : null;
        if (total === null) info.notes.push(`Node ${node} ${order[2]}: per-order line cut short`);
      }
      continue;
    }
    if (
      /^(?:active_anon|Active_anon|free:|\s*free:|mapped:|unevictable:|slab_|[a-z_]+:\d+ )/.test(
        text,
      )
    ) {
      const m = text.match(/\b(free|free_pcp|free_cma):(\d+)/g) ?? [];
      for (const kv of m) {
        const [k, v] = kv.split(":");
        info.summary[k as string] = Number(v);
      }
      continue;
    }
    if (/per-cpu:|^CPU\s+\d+: hi:|^Node \d+ active_anon|^cpu \d+ (?:hot|cold)/.test(text)) continue;
    if (text !== "") foreign++;
  }
  info.notes = info.notes.filter((n) => !n.startsWith("Mem-Info block without"));
  if (info.zones.length === 0) info.notes.push("Mem-Info block without zone lines (truncated?)");
  else checkZones(info);
  return { info, next: i };
}

/** Notes for zones that lack their reserve, per-order line or marks. */
function checkZones(info: MemInfo): void {
  info.notes = info.notes.filter((n) => !n.startsWith("Node "));
  for (const z of info.zones) {
    const where = `Node ${z.node} ${z.name}`;
    if (z.lowmemReserve === null) info.notes.push(`${where}: lowmem_reserve[] missing`);
    if (z.orders === null) info.notes.push(`${where}: per-order free list line missing`);
    for (const key of ["free", "min", "low", "high"]) {
      if (!Object.hasOwn(z.fields, key)) info.notes.push(`${where}: field ${key} missing`);
    }
  }
}
