/**
 * GFP flags as the kernel defines them (include/linux/gfp_types.h, v6.6 and v6.8: the bit values
 * are the same in both; 0x200 is unused since __GFP_ATOMIC went away in v6.3), the composites,
 * the `%pGg` rendering used by warn_alloc (include/trace/events/mmflags.h, same order), the zone
 * and migratetype a mask selects (gfp_zone, gfp_migratetype in include/linux/gfp.h), task scopes
 * (current_gfp_context in include/linux/sched/mm.h) and the suspend-time gfp_allowed_mask
 * (pm_restrict_gfp_mask in mm/page_alloc.c v6.6; kernel/power/main.c from v6.9).
 */

/** A gfp_t: a plain 32-bit bit set. */
export type Gfp = number;

export const __GFP_DMA = 0x01;
export const __GFP_HIGHMEM = 0x02;
export const __GFP_DMA32 = 0x04;
export const __GFP_MOVABLE = 0x08;
export const __GFP_RECLAIMABLE = 0x10;
export const __GFP_HIGH = 0x20;
export const __GFP_IO = 0x40;
export const __GFP_FS = 0x80;
export const __GFP_ZERO = 0x100;
export const __GFP_DIRECT_RECLAIM = 0x400;
export const __GFP_KSWAPD_RECLAIM = 0x800;
export const __GFP_WRITE = 0x1000;
export const __GFP_NOWARN = 0x2000;
export const __GFP_RETRY_MAYFAIL = 0x4000;
export const __GFP_NOFAIL = 0x8000;
export const __GFP_NORETRY = 0x10000;
export const __GFP_MEMALLOC = 0x20000;
export const __GFP_COMP = 0x40000;
export const __GFP_NOMEMALLOC = 0x80000;
export const __GFP_HARDWALL = 0x100000;
export const __GFP_THISNODE = 0x200000;
export const __GFP_ACCOUNT = 0x400000;
export const __GFP_ZEROTAGS = 0x800000;

export const __GFP_RECLAIM = __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM;
export const GFP_ATOMIC = __GFP_HIGH | __GFP_KSWAPD_RECLAIM;
export const GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS;
export const GFP_KERNEL_ACCOUNT = GFP_KERNEL | __GFP_ACCOUNT;
export const GFP_NOWAIT = __GFP_KSWAPD_RECLAIM;
export const GFP_NOIO = __GFP_RECLAIM;
export const GFP_NOFS = __GFP_RECLAIM | __GFP_IO;
export const GFP_USER = __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL;
export const GFP_DMA = __GFP_DMA;
export const GFP_DMA32 = __GFP_DMA32;
export const GFP_HIGHUSER = GFP_USER | __GFP_HIGHMEM;
/** __GFP_SKIP_KASAN is 0 without CONFIG_KASAN_HW_TAGS, the configuration modelled. */
export const GFP_HIGHUSER_MOVABLE = GFP_HIGHUSER | __GFP_MOVABLE;
export const GFP_TRANSHUGE_LIGHT =
  (GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM;
export const GFP_TRANSHUGE = GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM;

/** The %pGg name table, in the kernel's order: composites first, so they match first. */
const GFP_NAMES: readonly (readonly [number, string])[] = [
  [GFP_TRANSHUGE, "GFP_TRANSHUGE"],
  [GFP_TRANSHUGE_LIGHT, "GFP_TRANSHUGE_LIGHT"],
  [GFP_HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE"],
  [GFP_HIGHUSER, "GFP_HIGHUSER"],
  [GFP_USER, "GFP_USER"],
  [GFP_KERNEL_ACCOUNT, "GFP_KERNEL_ACCOUNT"],
  [GFP_KERNEL, "GFP_KERNEL"],
  [GFP_NOFS, "GFP_NOFS"],
  [GFP_ATOMIC, "GFP_ATOMIC"],
  [GFP_NOIO, "GFP_NOIO"],
  [GFP_NOWAIT, "GFP_NOWAIT"],
  [GFP_DMA, "GFP_DMA"],
  [__GFP_HIGHMEM, "__GFP_HIGHMEM"],
  [GFP_DMA32, "GFP_DMA32"],
  [__GFP_HIGH, "__GFP_HIGH"],
  [__GFP_IO, "__GFP_IO"],
  [__GFP_FS, "__GFP_FS"],
  [__GFP_NOWARN, "__GFP_NOWARN"],
  [__GFP_RETRY_MAYFAIL, "__GFP_RETRY_MAYFAIL"],
  [__GFP_NOFAIL, "__GFP_NOFAIL"],
  [__GFP_NORETRY, "__GFP_NORETRY"],
  [__GFP_COMP, "__GFP_COMP"],
  [__GFP_ZERO, "__GFP_ZERO"],
  [__GFP_NOMEMALLOC, "__GFP_NOMEMALLOC"],
  [__GFP_MEMALLOC, "__GFP_MEMALLOC"],
  [__GFP_HARDWALL, "__GFP_HARDWALL"],
  [__GFP_THISNODE, "__GFP_THISNODE"],
  [__GFP_RECLAIMABLE, "__GFP_RECLAIMABLE"],
  [__GFP_MOVABLE, "__GFP_MOVABLE"],
  [__GFP_ACCOUNT, "__GFP_ACCOUNT"],
  [__GFP_WRITE, "__GFP_WRITE"],
  [__GFP_RECLAIM, "__GFP_RECLAIM"],
  [__GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM"],
  [__GFP_KSWAPD_RECLAIM, "__GFP_KSWAPD_RECLAIM"],
  [__GFP_ZEROTAGS, "__GFP_ZEROTAGS"],
];

const BY_NAME = new Map<string, number>(GFP_NAMES.map(([mask, name]) => [name, mask]));
BY_NAME.set("GFP_DMA", GFP_DMA).set("__GFP_DMA", __GFP_DMA).set("__GFP_DMA32", __GFP_DMA32);

/** Every name parseGfp accepts, for error messages and fuzzers. */
export const GFP_NAME_LIST: readonly string[] = [...BY_NAME.keys()];

/**
 * Parses "GFP_KERNEL|__GFP_NOWARN" (names from the kernel tables, or hex like 0xcc0, joined by
 * `|`, spaces allowed). Returns the mask, or an error message naming the bad part.
 */
export function parseGfp(text: string): Gfp | string {
  let mask = 0;
  for (const raw of text.split("|")) {
    const part = raw.trim();
    const named = BY_NAME.get(part);
    if (named !== undefined) mask |= named;
    else if (/^0x[0-9a-f]{1,8}$/i.test(part)) mask |= Number.parseInt(part, 16);
    else return `unknown gfp flag "${part}"`;
  }
  return mask >>> 0;
}

/** The kernel's `%pGg`: composite names first, each consuming its bits, leftovers in hex. */
export function formatGfp(gfp: Gfp): string {
  if (gfp === 0) return "none";
  const parts: string[] = [];
  let rest = gfp >>> 0;
  for (const [mask, name] of GFP_NAMES) {
    if (rest === 0) break;
    if ((rest & mask) !== mask) continue;
    parts.push(name);
    rest = (rest & ~mask) >>> 0;
  }
  if (rest !== 0) parts.push(`0x${rest.toString(16)}`);
  return parts.join("|");
}

/** `mode:%#x(%pGg)` as warn_alloc prints it, e.g. `0xcc1(GFP_KERNEL|GFP_DMA)`. */
export function gfpMode(gfp: Gfp): string {
  return `0x${(gfp >>> 0).toString(16)}(${formatGfp(gfp)})`;
}

/** Zone indices; every layout has all four (some empty), as a CONFIG_ZONE_DMA{,32} kernel does. */
export const ZONE_DMA = 0;
export const ZONE_DMA32 = 1;
export const ZONE_NORMAL = 2;
export const ZONE_MOVABLE = 3;
export const MAX_NR_ZONES = 4;
export const ZONE_NAMES = ["DMA", "DMA32", "Normal", "Movable"] as const;

/**
 * gfp_zone(): the highest zone a mask may use (GFP_ZONE_TABLE on a 64-bit kernel, where
 * __GFP_HIGHMEM means ZONE_NORMAL). Returns -1 for the combinations GFP_ZONE_BAD marks.
 */
export function gfpZone(gfp: Gfp): number {
  const dma = (gfp & __GFP_DMA) !== 0;
  const dma32 = (gfp & __GFP_DMA32) !== 0;
  const high = (gfp & __GFP_HIGHMEM) !== 0;
  const movable = (gfp & __GFP_MOVABLE) !== 0;
  if (Number(dma) + Number(dma32) + Number(high) > 1) return -1;
  if (dma) return ZONE_DMA;
  if (dma32) return ZONE_DMA32;
  return high && movable ? ZONE_MOVABLE : ZONE_NORMAL;
}

/** Migratetypes (include/linux/mmzone.h); HIGHATOMIC == MIGRATE_PCPTYPES. */
export const MIGRATE_UNMOVABLE = 0;
export const MIGRATE_MOVABLE = 1;
export const MIGRATE_RECLAIMABLE = 2;
export const MIGRATE_PCPTYPES = 3;
export const MIGRATE_HIGHATOMIC = 3;
export const MIGRATE_CMA = 4;
export const MIGRATE_ISOLATE = 5;
export const MIGRATE_TYPES = 6;
export const MIGRATETYPE_NAMES = [
  "Unmovable",
  "Movable",
  "Reclaimable",
  "HighAtomic",
  "CMA",
  "Isolate",
] as const;

/** gfp_migratetype(): __GFP_MOVABLE -> MOVABLE, __GFP_RECLAIMABLE -> RECLAIMABLE, else UNMOVABLE. */
export function gfpMigratetype(gfp: Gfp): number {
  if (gfp & __GFP_MOVABLE) return MIGRATE_MOVABLE;
  if (gfp & __GFP_RECLAIMABLE) return MIGRATE_RECLAIMABLE;
  return MIGRATE_UNMOVABLE;
}

/** The per-task allocation scope: memalloc_{noio,nofs,pin}_save() nest as flags on the task. */
export interface TaskScope {
  /** PF_MEMALLOC_NOIO: memalloc_noio_save() is in effect. */
  noio: boolean;
  /** PF_MEMALLOC_NOFS: memalloc_nofs_save() is in effect. */
  nofs: boolean;
  /** PF_MEMALLOC_PIN: movable zones are not used. */
  pin: boolean;
}

/** current_gfp_context(): NOIO strips IO|FS, NOFS strips FS, PIN strips __GFP_MOVABLE. */
export function currentGfpContext(gfp: Gfp, scope: TaskScope): Gfp {
  let out = gfp;
  if (scope.noio) out &= ~(__GFP_IO | __GFP_FS);
  else if (scope.nofs) out &= ~__GFP_FS;
  if (scope.pin) out &= ~__GFP_MOVABLE;
  return out >>> 0;
}

/** gfp_allowed_mask after boot: every bit (__GFP_BITS_MASK without lockdep). */
export const GFP_ALLOWED_ALL = (1 << 27) - 1;

/** pm_restrict_gfp_mask(): the mask in force from suspend_devices_and_enter to resume's end. */
export function pmRestrictGfpMask(allowed: Gfp): Gfp {
  return (allowed & ~(__GFP_IO | __GFP_FS)) >>> 0;
}

/** pm_suspended_storage(): true unless both IO and FS are allowed. */
export function pmSuspendedStorage(allowed: Gfp): boolean {
  return (allowed & (__GFP_IO | __GFP_FS)) !== (__GFP_IO | __GFP_FS);
}

/** gfp_compaction_allowed() (803de9000f33): CONFIG_COMPACTION && __GFP_IO. */
export function gfpCompactionAllowed(gfp: Gfp): boolean {
  return (gfp & __GFP_IO) !== 0;
}
