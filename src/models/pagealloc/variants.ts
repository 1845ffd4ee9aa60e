/**
 * Page allocator variants: the slowpath before and after 803de9000f33 ("mm, vmscan: prevent
 * infinite loop for costly GFP_NOIO | __GFP_RETRY_MAYFAIL allocations", V. Babka, Feb 2024;
 * backported to 6.1/5.15/5.10/5.4 stable). See ../shared/specs/kernel-pagealloc-cma-pool-alsa.md
 * section 1.8. Both variants have has_managed_dma() (c4dc63f0032c, v5.17) and the v6.3+
 * ALLOC_MIN_RESERVE / ALLOC_NON_BLOCK reserve flags.
 */
import type { VariantInfo } from "../model.js";

/** Behaviour switches of one page allocator variant. */
export interface PageallocVariant extends VariantInfo {
  /**
   * 803de9000f33: gfp_compaction_allowed() (__GFP_IO) gates the initial compaction and
   * should_compact_retry, a costly request that cannot compact gives up after one round, and
   * vmscan's compaction_ready() is false without __GFP_IO (so reclaim really reclaims).
   */
  noioCompactionFix: boolean;
}

const FILES = "mm/page_alloc.c, mm/vmscan.c, mm/compaction.c";

/** All page allocator variants, oldest first. */
export const PAGEALLOC_VARIANTS: readonly PageallocVariant[] = [
  {
    name: "v6.6",
    kernel: {
      file: FILES,
      version: "v6.6",
      differs:
        "Mechanism A: a costly __GFP_RETRY_MAYFAIL request without __GFP_IO gets fake reclaim progress (compaction_ready) and SKIPPED compaction with a suitable zonelist, so should_compact_retry returns true forever.",
    },
    noioCompactionFix: false,
  },
  {
    name: "v6.8",
    kernel: {
      file: FILES,
      version: "v6.8",
      commits: ["803de9000f33"],
      differs:
        "Compaction needs __GFP_IO (gfp_compaction_allowed): a costly request that cannot compact goes to nopage after one reclaim round, and reclaim no longer bails out for compaction without IO.",
    },
    noioCompactionFix: true,
  },
];

/** The variant used when none is named. */
export const DEFAULT_PAGEALLOC_VARIANT = "v6.8";

/** Looks a variant up by name (`v6.6` or `pagealloc@v6.6`); undefined when unknown. */
export function findPageallocVariant(name: string): PageallocVariant | undefined {
  const bare = name.startsWith("pagealloc@") ? name.slice(10) : name;
  return PAGEALLOC_VARIANTS.find((v) => v.name === bare);
}
