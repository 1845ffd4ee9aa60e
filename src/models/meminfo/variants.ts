/**
 * meminfo variants: the three shapes __zone_watermark_ok and gfp_to_alloc_flags took in
 * mm/page_alloc.c. Kernel sources read: v3.10 and v4.3 (order loop, ALLOC_HARDER from
 * !__GFP_WAIT), v4.4 (97a16fc82a7c: order-0 watermarks only, a free block of the order on a
 * usable list; 0aaa29a56e4f highatomic reserve), v4.19 and v5.10 (ALLOC_HARDER from
 * __GFP_ATOMIC, ALLOC_OOM), v6.6 (eb2e2b425c69 split ALLOC_HARDER into ALLOC_MIN_RESERVE,
 * ALLOC_NON_BLOCK and ALLOC_HIGHATOMIC in v6.3; checked by ../pagealloc/watermarks.ts).
 */
import type { VariantInfo } from "../model.js";
import type { EraFlags } from "./zone-check.js";

/** One era of the watermark check. */
export interface MeminfoVariant extends VariantInfo {
  name: EraFlags["era"];
  /** The first and last kernel versions (major*100+minor) the era covers, and as text. */
  from: number;
  to: number;
  era: string;
}

const FILE = "mm/page_alloc.c (__zone_watermark_ok, gfp_to_alloc_flags)";

export const MEMINFO_VARIANTS: readonly MeminfoVariant[] = [
  {
    name: "v3.10",
    from: 300,
    to: 403,
    era: "v3.0 to v4.3",
    kernel: {
      file: FILE,
      version: "v3.10 (same check through v4.3)",
      differs:
        "No highatomic reserve; ALLOC_HARDER for any request without __GFP_WAIT; a high-order request also passes a loop that removes the free pages of each lower order while halving min.",
    },
  },
  {
    name: "v4.19",
    from: 404,
    to: 602,
    era: "v4.4 to v6.2",
    kernel: {
      file: FILE,
      version: "v4.19 (same check v4.4 through v6.2)",
      commits: ["97a16fc82a7c", "0aaa29a56e4f", "cd04ae1e2dc8"],
      differs:
        "Order-0 watermark plus one free block of the order on an Unmovable/Movable/Reclaimable list; the highatomic reserve is counted only with ALLOC_HARDER, which __GFP_ATOMIC gives (min/4; ALLOC_OOM min/2).",
    },
  },
  {
    name: "v6.6",
    from: 603,
    to: 9999,
    era: "v6.3 onwards",
    kernel: {
      file: FILE,
      version: "v6.6 (same check v6.3 onwards)",
      commits: ["eb2e2b425c69", "1ebbb21811b7"],
      differs:
        "ALLOC_HARDER split: __GFP_HIGH gives ALLOC_MIN_RESERVE (min/2), no direct reclaim ALLOC_NON_BLOCK (a further min/4 with MIN_RESERVE; alone it only unlocks the highatomic reserve), GFP_NOWAIT loses the min/4 it had before.",
    },
  },
];

export const DEFAULT_MEMINFO_VARIANT = "v6.6";

/** The variant whose era holds kernel version `major.minor`. */
export function variantForVersion(major: number, minor: number): MeminfoVariant {
  const v = major * 100 + minor;
  const found = MEMINFO_VARIANTS.find((variant) => v >= variant.from && v <= variant.to);
  return (
    found ??
    (v < 300 ? (MEMINFO_VARIANTS[0] as MeminfoVariant) : (MEMINFO_VARIANTS[2] as MeminfoVariant))
  );
}
