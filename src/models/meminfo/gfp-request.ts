/**
 * A gfp mask as the watermark check sees it, whatever kernel printed it. warn_alloc prints
 * `mode:%#x(%pGg)` (names since v4.9-ish), older kernels the hex alone, and the bit values moved
 * several times: include/linux/gfp.h (v3.x-v4.3, v4.4-v4.9, v4.10-v4.17, v4.18-v4.20) and
 * include/linux/gfp_types.h (v5.0-v6.2 with ___GFP_ATOMIC 0x200, v6.3+ without it). Names win
 * over hex when both are printed; hex is decoded with the table of the logged version's era.
 */

/** The gfp properties __alloc_pages and __zone_watermark_ok act on. */
export interface GfpRequest {
  /** Highest zone the mask allows (gfp_zone): DMA, DMA32, Normal (HIGHMEM on 64-bit), HighMem, Movable. */
  zone: "DMA" | "DMA32" | "Normal" | "HighMem" | "Movable";
  /** __GFP_HIGHMEM was set (Normal on 64-bit, HighMem on 32-bit). */
  highmem: boolean;
  /** __GFP_MOVABLE (migratetype MOVABLE: ALLOC_CMA; with HIGHMEM, ZONE_MOVABLE). */
  movable: boolean;
  /** __GFP_HIGH (ALLOC_HIGH / ALLOC_MIN_RESERVE). */
  high: boolean;
  /** __GFP_ATOMIC (v4.4-v6.2; ALLOC_HARDER there). */
  atomic: boolean;
  /** __GFP_DIRECT_RECLAIM (__GFP_WAIT before v4.4). */
  directReclaim: boolean;
  kswapd: boolean;
  io: boolean;
  fs: boolean;
  nomemalloc: boolean;
  memalloc: boolean;
  noretry: boolean;
  retryMayfail: boolean;
  nofail: boolean;
  thisnode: boolean;
  /** Names the decoder did not know, kept for a note. */
  unknown: string[];
}

type Flag = Exclude<keyof GfpRequest, "zone" | "unknown">;
type Bit = Flag | "dma" | "dma32";

/** What each %pGg name sets (composites expand to their parts; zone names set zone bits). */
const NAME_BITS: Readonly<Record<string, readonly Bit[]>> = {
  GFP_TRANSHUGE: ["highmem", "movable", "directReclaim", "io", "fs", "nomemalloc"],
  GFP_TRANSHUGE_LIGHT: ["highmem", "movable", "io", "fs", "nomemalloc"],
  GFP_HIGHUSER_MOVABLE: ["highmem", "movable", "directReclaim", "kswapd", "io", "fs"],
  GFP_HIGHUSER: ["highmem", "directReclaim", "kswapd", "io", "fs"],
  GFP_USER: ["directReclaim", "kswapd", "io", "fs"],
  GFP_KERNEL_ACCOUNT: ["directReclaim", "kswapd", "io", "fs"],
  GFP_KERNEL: ["directReclaim", "kswapd", "io", "fs"],
  GFP_NOFS: ["directReclaim", "kswapd", "io"],
  GFP_NOIO: ["directReclaim", "kswapd"],
  GFP_ATOMIC: ["high", "atomic", "kswapd"],
  GFP_NOWAIT: ["kswapd"],
  GFP_DMA: ["dma"],
  __GFP_DMA: ["dma"],
  GFP_DMA32: ["dma32"],
  __GFP_DMA32: ["dma32"],
  __GFP_HIGHMEM: ["highmem"],
  __GFP_MOVABLE: ["movable"],
  __GFP_HIGH: ["high"],
  __GFP_ATOMIC: ["atomic"],
  __GFP_IO: ["io"],
  __GFP_FS: ["fs"],
  __GFP_WAIT: ["directReclaim", "kswapd"],
  __GFP_RECLAIM: ["directReclaim", "kswapd"],
  __GFP_DIRECT_RECLAIM: ["directReclaim"],
  __GFP_KSWAPD_RECLAIM: ["kswapd"],
  __GFP_NOMEMALLOC: ["nomemalloc"],
  __GFP_MEMALLOC: ["memalloc"],
  __GFP_NORETRY: ["noretry"],
  __GFP_RETRY_MAYFAIL: ["retryMayfail"],
  __GFP_REPEAT: ["retryMayfail"],
  __GFP_NOFAIL: ["nofail"],
  __GFP_THISNODE: ["thisnode"],
};

/** Names that carry nothing the allocator's zone and watermark decisions read. */
const INERT_NAMES = new Set([
  "__GFP_NOWARN",
  "__GFP_COMP",
  "__GFP_ZERO",
  "__GFP_COLD",
  "__GFP_HARDWALL",
  "__GFP_ACCOUNT",
  "__GFP_NOACCOUNT",
  "__GFP_NOTRACK",
  "__GFP_WRITE",
  "__GFP_RECLAIMABLE",
  "__GFP_OTHER_NODE",
  "__GFP_NO_KSWAPD",
  "__GFP_NOLOCKDEP",
  "__GFP_ZEROTAGS",
  "__GFP_SKIP_ZERO",
  "__GFP_SKIP_KASAN",
  "__GFP_SKIP_KASAN_POISON",
  "__GFP_SKIP_KASAN_UNPOISON",
  "__GFP_UNMAPPED",
]);

/** Bit positions of one era: [mask, meaning]; zone bits (0x1-0x8) are the same in every era. */
type BitTable = readonly (readonly [number, Bit])[];
const ZONE_BITS: BitTable = [
  [0x1, "dma"],
  [0x2, "highmem"],
  [0x4, "dma32"],
  [0x8, "movable"],
];
/** v3.x-v4.3: __GFP_WAIT 0x10; an atomic request is one without __GFP_WAIT. */
const V3: BitTable = [
  ...ZONE_BITS,
  [0x10, "directReclaim"],
  [0x20, "high"],
  [0x40, "io"],
  [0x80, "fs"],
  [0x800, "nofail"],
  [0x1000, "noretry"],
  [0x400, "retryMayfail"],
  [0x2000, "memalloc"],
  [0x10000, "nomemalloc"],
  [0x40000, "thisnode"],
];
/** v4.4-v4.9: ___GFP_ATOMIC 0x80000, DIRECT_RECLAIM 0x400000, KSWAPD_RECLAIM 0x2000000. */
const V4_4: BitTable = [
  ...ZONE_BITS,
  [0x20, "high"],
  [0x40, "io"],
  [0x80, "fs"],
  [0x400, "retryMayfail"],
  [0x800, "nofail"],
  [0x1000, "noretry"],
  [0x2000, "memalloc"],
  [0x10000, "nomemalloc"],
  [0x40000, "thisnode"],
  [0x80000, "atomic"],
  [0x400000, "directReclaim"],
  [0x2000000, "kswapd"],
];
/** v4.10-v4.17: __GFP_OTHER_NODE gone, KSWAPD_RECLAIM 0x1000000. */
const V4_10: BitTable = [...V4_4.filter(([m]) => m !== 0x2000000), [0x1000000, "kswapd"]];
/** v4.18-v4.20: COLD and NOTRACK gone: DIRECT 0x200000, KSWAPD 0x400000, ATOMIC 0x80000 stays. */
const V4_18: BitTable = [
  ...V4_4.filter(([, name]) => name !== "directReclaim" && name !== "kswapd"),
  [0x200000, "directReclaim"],
  [0x400000, "kswapd"],
];
/** v5.0-v6.2 (gfp_types.h order): ATOMIC 0x200, DIRECT 0x400, KSWAPD 0x800. */
const V5: BitTable = [
  ...ZONE_BITS,
  [0x20, "high"],
  [0x40, "io"],
  [0x80, "fs"],
  [0x200, "atomic"],
  [0x400, "directReclaim"],
  [0x800, "kswapd"],
  [0x4000, "retryMayfail"],
  [0x8000, "nofail"],
  [0x10000, "noretry"],
  [0x20000, "memalloc"],
  [0x80000, "nomemalloc"],
  [0x200000, "thisnode"],
];
/** v6.3+: no __GFP_ATOMIC. */
const V6_3: BitTable = V5.filter(([m]) => m !== 0x200);

/** The hex table for a kernel version [major, minor]. */
function tableFor(version: readonly [number, number]): BitTable {
  const v = version[0] * 100 + version[1];
  if (v < 404) return V3;
  if (v < 410) return V4_4;
  if (v < 418) return V4_10;
  if (v < 500) return V4_18;
  if (v < 603) return V5;
  return V6_3;
}

function empty(): GfpRequest {
  return {
    zone: "Normal",
    highmem: false,
    movable: false,
    high: false,
    atomic: false,
    directReclaim: false,
    kswapd: false,
    io: false,
    fs: false,
    nomemalloc: false,
    memalloc: false,
    noretry: false,
    retryMayfail: false,
    nofail: false,
    thisnode: false,
    unknown: [],
  };
}

/** Sets the zone from the zone bits as gfp_zone() does; a conflicting set is reported as null. */
function finish(
  req: GfpRequest,
  dma: boolean,
  dma32: boolean,
  highmemZone: boolean,
): GfpRequest | null {
  if (Number(dma) + Number(dma32) + Number(req.highmem) > 1) return null;
  if (dma) req.zone = "DMA";
  else if (dma32) req.zone = "DMA32";
  else if (req.highmem && req.movable) req.zone = "Movable";
  else if (req.highmem && highmemZone) req.zone = "HighMem";
  else req.zone = "Normal";
  return req;
}

/**
 * Decodes `names` (the %pGg text, `A|B|0x...`) or, when absent, `hex` with the bit table of
 * `version`'s era. `highmemZone` tells whether the machine has ZONE_HIGHMEM (32-bit). Returns
 * null for a mask that gfp_zone() rejects. Before v4.4 an atomic request is any without
 * __GFP_WAIT, so `atomic` is derived there.
 */
export function decodeGfp(
  hex: number | null,
  names: string | null,
  version: readonly [number, number],
  highmemZone: boolean,
): GfpRequest | null {
  const req = empty();
  let dma = false;
  let dma32 = false;
  const set = (bit: Bit): void => {
    if (bit === "dma") dma = true;
    else if (bit === "dma32") dma32 = true;
    else req[bit] = true;
  };
  if (names !== null && names.trim() !== "") {
    for (const raw of names.split("|")) {
      const name = raw.trim();
      const bits = Object.hasOwn(NAME_BITS, name) ? NAME_BITS[name] : undefined;
      if (bits !== undefined) bits.forEach(set);
      else if (/^0x[0-9a-f]+$/i.test(name)) {
        for (const [mask, bit] of tableFor(version)) if (Number.parseInt(name, 16) & mask) set(bit);
      } else if (!INERT_NAMES.has(name) && name !== "none") req.unknown.push(name);
    }
    if (version[0] * 100 + version[1] < 404 && !req.directReclaim) req.atomic = true;
  } else if (hex !== null) {
    for (const [mask, bit] of tableFor(version)) if (hex & mask) set(bit);
    if (version[0] * 100 + version[1] < 404) {
      req.kswapd = !(hex & 0x400000); // __GFP_NO_KSWAPD
      req.atomic = !req.directReclaim;
    }
  }
  return finish(req, dma, dma32, highmemZone);
}

/** The request in the v6.x names the meminfo trace format uses (composites first, like %pGg). */
export function gfpRequestNames(req: GfpRequest): string {
  const parts: string[] = [];
  if (req.directReclaim && req.kswapd && req.io && req.fs) parts.push("GFP_KERNEL");
  else if (req.directReclaim && req.kswapd && req.io) parts.push("GFP_NOFS");
  else if (req.directReclaim && req.kswapd) parts.push("GFP_NOIO");
  else {
    if (req.directReclaim) parts.push("__GFP_DIRECT_RECLAIM");
    if (req.kswapd) parts.push(req.high ? "GFP_ATOMIC" : "GFP_NOWAIT");
    if (req.io) parts.push("__GFP_IO");
    if (req.fs) parts.push("__GFP_FS");
  }
  if (req.high && !(req.kswapd && !req.directReclaim)) parts.push("__GFP_HIGH");
  if (req.atomic) parts.push("__GFP_ATOMIC");
  if (req.zone === "DMA") parts.push("GFP_DMA");
  if (req.zone === "DMA32") parts.push("GFP_DMA32");
  if (req.highmem) parts.push("__GFP_HIGHMEM");
  if (req.movable) parts.push("__GFP_MOVABLE");
  if (req.nomemalloc) parts.push("__GFP_NOMEMALLOC");
  if (req.memalloc) parts.push("__GFP_MEMALLOC");
  if (req.noretry) parts.push("__GFP_NORETRY");
  if (req.retryMayfail) parts.push("__GFP_RETRY_MAYFAIL");
  if (req.nofail) parts.push("__GFP_NOFAIL");
  if (req.thisnode) parts.push("__GFP_THISNODE");
  return parts.length === 0 ? "none" : parts.join("|");
}
