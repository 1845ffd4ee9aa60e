/**
 * What `dmafuzz triage` recognises in a kernel log: allocator failure events, and the context
 * lines of the same boot they are judged with (pool sizes, CMA areas, memory size, command line).
 */

/** One zone line of a Mem-Info dump with its lowmem_reserve[] and per-order line, in kB. */
export interface MemInfoZone {
  node: number;
  name: string;
  /** Every `key:valuekB` field of the zone line, in kB (free, min, low, high, managed, ...). */
  fields: Record<string, number>;
  /** lowmem_reserve[] in pages, or null when the line is missing. */
  lowmemReserve: number[] | null;
  /** The per-order line: [block count, block size kB, migratetype letters or null] per order. */
  orders: { count: number; sizeKb: number; types: string | null }[] | null;
  /** The per-order line's `= TkB` total. */
  orderTotalKb: number | null;
}

/** A parsed Mem-Info block. */
export interface MemInfo {
  line: number;
  /** Mail quote depth of the block's lines. */
  quote: number;
  /** The summary's free, free_pcp and free_cma (pages), when printed. */
  summary: Record<string, number>;
  zones: MemInfoZone[];
  /** Things that were not as expected (truncated lines, unknown zones, sums that disagree). */
  notes: string[];
}

interface EventBase {
  /** 1-based line of the log where the event starts. */
  line: number;
  /** The log line itself, as cleaned. */
  text: string;
}

/** warn_alloc's `page allocation failure`, or an OOM report (`invoked oom-killer`). */
export interface PageAllocEvent extends EventBase {
  kind: "page-alloc" | "oom";
  task: string;
  order: number;
  mode: number | null;
  gfpNames: string | null;
  nodemask: string | null;
  memsAllowed: string | null;
  /** From the CPU:/Pid: line that follows, e.g. "4.9.56" (null when not in the log). */
  version: string | null;
  memInfo: MemInfo | null;
}

/** `swiotlb buffer is full (sz: N bytes)` with the totals newer kernels print. */
export interface SwiotlbEvent extends EventBase {
  kind: "swiotlb-full";
  device: string | null;
  size: number;
  totalSlots: number | null;
  usedSlots: number | null;
}

/** `cma_alloc: alloc failed, req-size: N pages, ret: E`, or a CMA_DEBUG request that returned NULL. */
export interface CmaEvent extends EventBase {
  kind: "cma-alloc";
  area: string | null;
  pages: number;
  ret: number | null;
  /** `alloc_contig_range: [x, y) PFNs busy` lines just before it. */
  busy: { start: number; end: number }[];
  /** cma_debug_show_areas: free runs "count@offset" and the free/total page counts. */
  available: { runs: { count: number; offset: number }[]; free: number; total: number } | null;
}

/** `DMA: preallocated N KiB ... pool for atomic allocations` or `DMA: failed to allocate ...`. */
export interface AtomicPoolEvent extends EventBase {
  kind: "atomic-pool";
  ok: boolean;
  kib: number;
  gfp: string | null;
  /** The arm32 `pool for atomic coherent allocations` of arch/arm/mm/dma-mapping.c. */
  armCoherent: boolean;
}

/** An ALSA/SOF buffer allocation failure. */
export interface SoundEvent extends EventBase {
  kind: "alsa";
  device: string | null;
  errno: number | null;
}

export type TriageEvent = PageAllocEvent | SwiotlbEvent | CmaEvent | AtomicPoolEvent | SoundEvent;

/** Lines of the same log that describe the machine rather than a failure. */
export interface LogContext {
  version: string | null;
  commandLine: string | null;
  /** `Memory: availK/totalK available`. */
  memory: { availKb: number; totalKb: number; cmaReservedKb: number | null } | null;
  swiotlb: { start: number | null; mib: number; areas: number | null } | null;
  cmaAreas: { name: string | null; mib: number; base: number | null }[];
  /** Architecture hints: "x86_64", "arm64", "arm", "rpi4", ... from the log's own words. */
  arch: string | null;
}

/** Everything the parser found in one log. */
export interface ParsedLog {
  events: TriageEvent[];
  context: LogContext;
  /** Lines that matched nothing (blank lines excluded). */
  skipped: number;
  /** Lines seen in total. */
  lines: number;
  notes: string[];
}
