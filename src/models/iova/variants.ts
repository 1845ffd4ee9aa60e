/**
 * The IOVA allocator variants, one per behaviour change in drivers/iommu/iova.c that matters to
 * allocation results. Each is a set of switches read by the domain and the rcache; see
 * ../shared/specs/kernel-iova-swiotlb.md part A.7 for the history.
 */
import type { VariantInfo } from "../model.js";

/** Behaviour switches of one IOVA variant. */
export interface IovaVariant extends VariantInfo {
  /**
   * What __alloc_and_insert_iova_range does when the walk below the cached node fails:
   * nothing (before v5.11), one retry restarting at the anchor (v5.11-v5.12), or one retry
   * restarting at iova_find_limit() (v5.13+).
   */
  retry: "none" | "from-anchor" | "from-find-limit";
  /** dcdb3ba7e2a8 (v6.2): retry_pfn = pfn_hi (no wrap to 0 at the anchor), low = retry_pfn + 1. */
  retryOverflowFixed: boolean;
  /** 5b61343b5059 (v5.18): any free below dma_32bit_pfn resets max32_alloc_size. */
  max32ResetOnLowFree: boolean;
  /** 972bf252f860 (v5.17): alloc_iova_fast rounds sizes below 32 pages up to a power of two. */
  fastPathRoundsSize: boolean;
  /** v5.11: the flush before alloc_iova_fast's retry also empties the depot. */
  flushEmptiesDepot: boolean;
  /** IOVA_MAG_SIZE: 128, or 127 from v6.0. */
  magazineSize: number;
  /**
   * The depot: a fixed array of 32 magazines whose overflow frees the loaded magazine to the tree
   * (up to v6.6), or an unbounded LIFO list trimmed by delayed work (v6.7+).
   */
  depot: "array32" | "list-trimmed";
}

const FILE = "drivers/iommu/iova.c";

/** All IOVA variants, oldest first. */
export const IOVA_VARIANTS: readonly IovaVariant[] = [
  {
    name: "v5.10",
    kernel: {
      file: FILE,
      version: "v5.10",
      commits: ["bee60e94a1e2"],
      differs:
        "No retry: space above the cached node is never searched. The flush in alloc_iova_fast empties only the per-CPU magazines. No size rounding in alloc_iova_fast (dma-iommu rounds).",
    },
    retry: "none",
    retryOverflowFixed: false,
    max32ResetOnLowFree: false,
    fastPathRoundsSize: false,
    flushEmptiesDepot: false,
    magazineSize: 128,
    depot: "array32",
  },
  {
    name: "v5.12",
    kernel: {
      file: FILE,
      version: "v5.12",
      commits: ["4e89dce72521"],
      differs:
        "One-shot retry over [cached pfn_hi + 1, limit) restarting from the anchor (v5.11); the flush also empties the depot. retry_pfn wraps to 0 at the anchor.",
    },
    retry: "from-anchor",
    retryOverflowFixed: false,
    max32ResetOnLowFree: false,
    fastPathRoundsSize: false,
    flushEmptiesDepot: true,
    magazineSize: 128,
    depot: "array32",
  },
  {
    name: "v5.17",
    kernel: {
      file: FILE,
      version: "v5.17",
      commits: ["371d7955e310", "972bf252f860"],
      differs:
        "Pre-fix: the retry restarts from iova_find_limit(); alloc_iova_fast rounds sizes below 32 pages up to a power of two; max32_alloc_size is reset only by frees at or above cached32_node (the 0x731f report).",
    },
    retry: "from-find-limit",
    retryOverflowFixed: false,
    max32ResetOnLowFree: false,
    fastPathRoundsSize: true,
    flushEmptiesDepot: true,
    magazineSize: 128,
    depot: "array32",
  },
  {
    name: "v5.18",
    kernel: {
      file: FILE,
      version: "v5.18",
      commits: ["5b61343b5059"],
      differs:
        "Post-fix: every free with pfn_lo below dma_32bit_pfn resets max32_alloc_size. Still has the retry-overflow quirk.",
    },
    retry: "from-find-limit",
    retryOverflowFixed: false,
    max32ResetOnLowFree: true,
    fastPathRoundsSize: true,
    flushEmptiesDepot: true,
    magazineSize: 128,
    depot: "array32",
  },
  {
    name: "v6.2",
    kernel: {
      file: FILE,
      version: "v6.2",
      commits: ["dcdb3ba7e2a8"],
      differs:
        "Retry-overflow fix: retry_pfn = pfn_hi and low = retry_pfn + 1, so no IOVA lands below start_pfn. Magazines hold 127 pfns (v6.0).",
    },
    retry: "from-find-limit",
    retryOverflowFixed: true,
    max32ResetOnLowFree: true,
    fastPathRoundsSize: true,
    flushEmptiesDepot: true,
    magazineSize: 127,
    depot: "array32",
  },
  {
    name: "v6.7",
    kernel: {
      file: FILE,
      version: "v6.7",
      commits: ["911aa1245da8", "233045378dbb"],
      differs:
        "The depot is an unbounded LIFO list; a full loaded magazine always goes to it and delayed work (100 ms) frees one magazine per run to the tree while the depot holds more than num_online_cpus().",
    },
    retry: "from-find-limit",
    retryOverflowFixed: true,
    max32ResetOnLowFree: true,
    fastPathRoundsSize: true,
    flushEmptiesDepot: true,
    magazineSize: 127,
    depot: "list-trimmed",
  },
];

/** The variant used when none is named. */
export const DEFAULT_IOVA_VARIANT = "v6.7";

/** Looks a variant up by name (`v5.17` or `iova@v5.17`); undefined when unknown. */
export function findIovaVariant(name: string): IovaVariant | undefined {
  const bare = name.startsWith("iova@") ? name.slice(5) : name;
  return IOVA_VARIANTS.find((v) => v.name === bare);
}
