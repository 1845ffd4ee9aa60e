/**
 * Recognises allocator failure events in a cleaned kernel log (./normalize.ts) and the context
 * lines they are judged with. Patterns follow the kernel's format strings: warn_alloc()
 * (`%s: page allocation failure: order:%u, mode:%#x(%pGg), nodemask=%*pbl`, `. order:` before
 * v4.9), dump_header() of the OOM killer, swiotlb_tbl_map_single()'s `swiotlb buffer is full`,
 * swiotlb_print_info(), cma_alloc() / cma_debug_show_areas() / alloc_contig_range(),
 * __dma_atomic_pool_init() and arch/arm's atomic pool, mem_init_print_info(), and the SOF and
 * ALSA buffer allocation errors. Anything else is counted as skipped.
 */
import type {
  CmaEvent,
  LogContext,
  PageAllocEvent,
  ParsedLog,
  SwiotlbEvent,
  TriageEvent,
} from "./events.js";
import { isZoneLine, parseMemInfo } from "./meminfo-parse.js";
import { type LogLine, normalizeLog } from "./normalize.js";

const ALLOC_FAIL =
  /^(.*?):? page allocation failure[.:]? *order:(\d+), *mode:(0x[0-9a-fA-F]+)(?:\(([^)]*)\))?(?:, *nodemask=([^,\s]*))?(?:,cpuset=\S*?,mems_allowed=(\S+))?/;
const OOM =
  /^(.*?) invoked oom-killer: gfp_mask=(0x[0-9a-fA-F]+)(?:\(([^)]*)\))?,(?: *nodemask=([^,\s]*),)? *order=(-?\d+)/;
const VERSION =
  /(?:CPU: \d+ (?:UID: \d+ )?PID: \d+ Comm: .*?|Pid: \d+, comm: .*?)(?:Not tainted|Tainted: [A-Z ]*?)\s+(\d+\.\d+(?:\.\d+)?[^\s#]*)/;
const SWIOTLB_FULL =
  /(?:([\w.:-]+ [\w.:-]+): )?swiotlb buffer is full \(sz: (\d+) bytes\)(?:,? *total (\d+) \(slots\), used (\d+) \(slots\))?/;
const CMA_FAIL =
  /cma_alloc: (?:(\S+): )?alloc failed, req-size: (\d+)(?: pag(?:es)?(?:, ret: (-?\d+))?)?/;
const CMA_DEBUG_REQ = /cma_alloc\(cma \S+, (?:name: (\S+), )?count (\d+), align \d+\)/;
const CMA_DEBUG_RET = /cma_alloc\(\): returned \(?(null|0+|\(null\))\)?$/;
const BUSY = /alloc_contig_range: \[([0-9a-fA-F]+), ([0-9a-fA-F]+)\) PFNs busy/;
const CMA_AVAIL = /number of available pages: (.*?)=> *(\d+) free of (\d+) total pages/;
const POOL_OK = /DMA: preallocated (\d+) KiB (?:(\S+) )?pool for atomic (coherent )?allocations/;
const POOL_FAIL = /DMA: failed to allocate (\d+) KiB (\S+) pool for atomic allocation/;
const SOUND = [
  /^(sof-audio-\S+ \S+): (?:error: )?memory alloc failed: (-?\d+)/,
  /^(\S+ \S+): .*snd_dma_alloc_(?:dir_)?pages(?:_fallback)?(?:\(\))? failed(?:.*?(-\d+))?/,
  /^()snd_dma_alloc_(?:dir_)?pages(?:\(\))? failed(?:.*?(-\d+))?/,
  /^(snd_\S+ \S+): (?:cannot|Cannot|failed to) allocate (?:BDL|CORB|DMA|buffer|pages)(?:.*?(-\d+))?/,
];

function newContext(): LogContext {
  return {
    version: null,
    commandLine: null,
    memory: null,
    swiotlb: null,
    cmaAreas: [],
    arch: null,
  };
}

/** Context lines; returns true when `text` was one. */
function readContext(text: string, ctx: LogContext): boolean {
  let m = /Linux version (\d+\.\d+(?:\.\d+)?\S*)/.exec(text);
  if (m !== null) {
    ctx.version ??= m[1] as string;
    return true;
  }
  m = /^(?:Kernel )?[Cc]ommand line: (.*)$/.exec(text);
  if (m !== null) {
    ctx.commandLine ??= m[1] as string;
    return true;
  }
  m = /^Memory: (\d+)K\/(\d+)K available(?:.*?(\d+)K cma-reserved)?/.exec(text);
  if (m !== null) {
    ctx.memory = {
      availKb: Number(m[1]),
      totalKb: Number(m[2]),
      cmaReservedKb: m[3] ? Number(m[3]) : null,
    };
    return true;
  }
  m =
    /software IO TLB:? (?:mapped )?\[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] \((\d+)MB\)/.exec(text) ??
    /Placing (\d+)MB software IO TLB between (0x?[0-9a-f]+)/.exec(text);
  if (m !== null) {
    const placing = text.includes("Placing");
    ctx.swiotlb = {
      start: Number.parseInt((placing ? m[2] : m[1]) as string, 16),
      mib: Number(placing ? m[1] : m[3]),
      areas: ctx.swiotlb?.areas ?? null,
    };
    return true;
  }
  m = /software IO TLB: area num (\d+)/.exec(text);
  if (m !== null) {
    ctx.swiotlb = {
      start: ctx.swiotlb?.start ?? null,
      mib: ctx.swiotlb?.mib ?? 0,
      areas: Number(m[1]),
    };
    return true;
  }
  m =
    /cma: (?:CMA: )?[Rr]eserved (\d+) MiB at (?:0x)?([0-9a-f]+)/.exec(text) ??
    /Reserved memory: created CMA memory pool at (0x[0-9a-f]+), size (\d+) MiB/.exec(text);
  if (m !== null) {
    const created = text.includes("created CMA");
    ctx.cmaAreas.push({
      name: created ? null : "reserved",
      mib: Number(created ? m[2] : m[1]),
      base: Number.parseInt((created ? m[1] : m[2]) as string, 16),
    });
    return true;
  }
  m = /^(?:Machine model|Hardware name|Machine): (.*)$/.exec(text);
  if (m !== null) {
    const hw = (m[1] as string).toLowerCase();
    if (ctx.arch === null) {
      if (/raspberry pi 4|bcm2711/.test(hw)) ctx.arch = "rpi4";
      else if (/raspberry|bcm27|bcm28/.test(hw)) ctx.arch = "arm";
    }
    return true;
  }
  if (ctx.arch === null) {
    if (/\bx86_64\b|x86\/|\bRIP: 0010/.test(text)) ctx.arch = "x86_64";
    else if (/aarch64|arm64|Booting Linux on physical CPU/.test(text)) ctx.arch = "arm64";
  }
  return false;
}

/** The version named on the CPU: / Pid: line within the next few lines of `at`. */
function versionAfter(lines: readonly LogLine[], at: number): string | null {
  for (let i = at + 1; i < Math.min(lines.length, at + 8); i++) {
    const m = VERSION.exec((lines[i] as LogLine).text);
    if (m !== null) return m[1] as string;
  }
  return null;
}

function pageAllocEvent(
  lines: readonly LogLine[],
  i: number,
  text: string,
  line: number,
): PageAllocEvent | null {
  const a = ALLOC_FAIL.exec(text);
  if (a !== null) {
    return {
      kind: "page-alloc",
      line,
      text,
      task: (a[1] as string).trim(),
      order: Number(a[2]),
      mode: Number.parseInt(a[3] as string, 16),
      gfpNames: a[4] ?? null,
      nodemask: a[5] ?? null,
      memsAllowed: a[6] ?? null,
      version: versionAfter(lines, i),
      memInfo: null,
    };
  }
  const o = OOM.exec(text);
  if (o === null) return null;
  return {
    kind: "oom",
    line,
    text,
    task: (o[1] as string).trim(),
    order: Number(o[5]),
    mode: Number.parseInt(o[2] as string, 16),
    gfpNames: o[3] ?? null,
    nodemask: o[4] ?? null,
    memsAllowed: null,
    version: versionAfter(lines, i),
    memInfo: null,
  };
}

/**
 * `alloc_contig_range: [x, y) PFNs busy` lines with no cma_alloc failure after them: cma_alloc
 * moved on past busy ranges; the range size is the request rounded to the isolation granule.
 */
function busySequence(busy: CmaEvent["busy"], line: number): CmaEvent {
  const last = busy[busy.length - 1] as { start: number; end: number };
  return {
    kind: "cma-alloc",
    line,
    text: `alloc_contig_range: ${busy.length} busy range${busy.length === 1 ? "" : "s"}, the last [${last.start.toString(16)}, ${last.end.toString(16)})`,
    area: null,
    pages: last.end - last.start,
    ret: null,
    busy: busy.slice(0, 64),
    available: null,
  };
}

/** Parses `text` (one whole log); never throws on any input. */
export function parseLog(text: string): ParsedLog {
  const lines = normalizeLog(text);
  const ctx = newContext();
  const events: TriageEvent[] = [];
  const notes: string[] = [];
  let skipped = 0;
  let lastAlloc: PageAllocEvent | null = null;
  let busy: CmaEvent["busy"] = [];
  let busyLine = 0;
  let available: CmaEvent["available"] = null;
  let debugReq: { area: string | null; pages: number; line: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const { text: t, line } = lines[i] as LogLine;
    if (t === "") continue;
    const alloc = pageAllocEvent(lines, i, t, line);
    if (alloc !== null) {
      events.push(alloc);
      lastAlloc = alloc;
      continue;
    }
    if (/^Mem-[Ii]nfo:?$/.test(t)) {
      const { info, next } = parseMemInfo(lines, i);
      if (lastAlloc !== null && lastAlloc.memInfo === null) lastAlloc.memInfo = info;
      else notes.push(`line ${line}: Mem-Info without a failure report before it`);
      i = Math.max(i, next - 1);
      continue;
    }
    const pending = lastAlloc?.memInfo;
    const sameQuote = pending?.quote === (lines[i] as LogLine).quote;
    if (
      isZoneLine(t) &&
      pending &&
      sameQuote &&
      pending.zones.length === 0 &&
      line - pending.line < 200
    ) {
      pending.notes.push(`zone lines resume at line ${line}, after lines from elsewhere`);
      i = Math.max(i, parseMemInfo(lines, i, pending).next - 1);
      continue;
    }
    const sw = SWIOTLB_FULL.exec(t);
    if (sw !== null) {
      const ev: SwiotlbEvent = {
        kind: "swiotlb-full",
        line,
        text: t,
        device: sw[1] ?? null,
        size: Number(sw[2]),
        totalSlots: sw[3] ? Number(sw[3]) : null,
        usedSlots: sw[4] ? Number(sw[4]) : null,
      };
      events.push(ev);
      continue;
    }
    if (/DMA: Out of SW-IOMMU space for (\d+) bytes/.test(t)) {
      const prev = events[events.length - 1];
      if (prev?.kind !== "swiotlb-full" || line - prev.line > 3) {
        const size = Number(/for (\d+) bytes/.exec(t)?.[1]);
        events.push({
          kind: "swiotlb-full",
          line,
          text: t,
          device: null,
          size,
          totalSlots: null,
          usedSlots: null,
        });
      }
      continue;
    }
    const b = BUSY.exec(t);
    if (b !== null) {
      if (busy.length === 0) busyLine = line;
      busy.push({
        start: Number.parseInt(b[1] as string, 16),
        end: Number.parseInt(b[2] as string, 16),
      });
      continue;
    }
    if (busy.length > 0 && !CMA_FAIL.test(t) && !CMA_AVAIL.test(t) && !/cma_alloc/.test(t)) {
      events.push(busySequence(busy, busyLine));
      busy = [];
    }
    const av = CMA_AVAIL.exec(t);
    if (av !== null) {
      const runs = [...(av[1] as string).matchAll(/(\d+)@(\d+)/g)].map((r) => ({
        count: Number(r[1]),
        offset: Number(r[2]),
      }));
      available = { runs, free: Number(av[2]), total: Number(av[3]) };
      const prev = events[events.length - 1];
      if (prev?.kind === "cma-alloc" && prev.available === null && line - prev.line <= 3)
        prev.available = available;
      continue;
    }
    const cf = CMA_FAIL.exec(t);
    const dreq = CMA_DEBUG_REQ.exec(t);
    if (dreq !== null) {
      debugReq = { area: dreq[1] ?? null, pages: Number(dreq[2]), line };
      continue;
    }
    if (cf !== null || (CMA_DEBUG_RET.test(t) && debugReq !== null)) {
      const ev: CmaEvent = cf
        ? {
            kind: "cma-alloc",
            line,
            text: t,
            area: cf[1] ?? null,
            pages: Number(cf[2]),
            ret: cf[3] === undefined ? null : Number(cf[3]),
            busy,
            available,
          }
        : {
            kind: "cma-alloc",
            line,
            text: t,
            area: debugReq?.area ?? null,
            pages: debugReq?.pages ?? 0,
            ret: null,
            busy,
            available,
          };
      events.push(ev);
      busy = [];
      available = null;
      debugReq = null;
      continue;
    }
    const po = POOL_OK.exec(t) ?? POOL_FAIL.exec(t);
    if (po !== null) {
      const ok = t.includes("preallocated");
      events.push({
        kind: "atomic-pool",
        line,
        text: t,
        ok,
        kib: Number(po[1]),
        gfp: po[2] ?? null,
        armCoherent: ok && po[3] !== undefined,
      });
      continue;
    }
    const snd = SOUND.map((re) => re.exec(t)).find((m) => m !== null);
    if (snd) {
      events.push({
        kind: "alsa",
        line,
        text: t,
        device: snd[1] || null,
        errno: snd[2] ? Number(snd[2]) : null,
      });
      continue;
    }
    if (!readContext(t, ctx)) skipped++;
  }
  if (busy.length > 0) events.push(busySequence(busy, busyLine));
  const first = events.find((e) => e.kind === "page-alloc" || e.kind === "oom") as
    PageAllocEvent | undefined;
  ctx.version ??= first?.version ?? null;
  return { events, context: ctx, skipped, lines: lines.length, notes };
}
