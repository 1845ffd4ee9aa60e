/**
 * Page allocator variants: the slowpath before and after 803de9000f33 ("mm, vmscan: prevent
 * infinite loop for costly GFP_NOIO | __GFP_RETRY_MAYFAIL allocations", V. Babka, Feb 2024;
 * backported to 6.1/5.15/5.10/5.4 stable). See ../shared/specs/kernel-pagealloc-cma-pool-alsa.md
 * section 1.8. Both variants have has_managed_dma() (c4dc63f0032c, v5.17) and the v6.3+
 * ALLOC_MIN_RESERVE / ALLOC_NON_BLOCK reserve flags.
 */
import type { VariantInfo } from "../model.js";
import { findUserPolicy } from "../policy.js";
import {
  MAX_COMPACT_RETRIES,
  MAX_RECLAIM_RETRIES,
  type PageallocHooks,
  V6_6_HOOKS,
  V6_8_HOOKS,
} from "./policy.js";

/** One page allocator variant: the hooks its slowpath asks, and its kernel reference. */
export interface PageallocVariant extends VariantInfo {
  /**
   * The slowpath's decisions. 803de9000f33 is v6.8's gfp_compaction_allowed(): __GFP_IO gates
   * the initial compaction and should_compact_retry, a costly request that cannot compact gives
   * up after one round, and vmscan's compaction_ready() is false without __GFP_IO.
   */
  hooks: PageallocHooks;
  /**
   * Retry counters at or above these values look alike to the hang detector (./stall.ts): the
   * hooks decide the same for all of them (the built-ins compare with 16).
   */
  saturation: { loops: number; retries: number };
  /** The user's policy module, for a policy variant. */
  file?: string;
  /**
   * v6.8's per-CPU list sizing: pcp->high auto-tuned between high_min and high_max, refills by
   * nr_pcp_alloc (alloc_factor), drains by free_count, decay_pcp_high; v6.6's single `high`
   * and free_factor if false.
   */
  pcpHighAutoTune: boolean;
  /**
   * v6.8's reserve_highatomic_pageblock limit: nothing below 1% of the zone = one pageblock,
   * else ALIGN(1%, pageblock); v6.6 allows 1% plus one pageblock if false.
   */
  highatomicAlignedCap: boolean;
}

/** The built-in hooks' saturation: one past MAX_RECLAIM_RETRIES and MAX_COMPACT_RETRIES. */
const BUILTIN_SATURATION = { loops: MAX_RECLAIM_RETRIES + 1, retries: MAX_COMPACT_RETRIES + 1 };
/** A user's retry hooks are taken to decide alike from this many retries on, unless it says. */
const USER_SATURATION = 64;

const FILES = "mm/page_alloc.c, mm/vmscan.c, mm/compaction.c";
/** The page_alloc.c blobs the buddy and per-CPU list code follows (see ./README.md). */
const BLOB_66 = "page_alloc.c blob 85741403948f";
const BLOB_68 = "page_alloc.c blob a663202045dc";

/** All page allocator variants, oldest first. */
export const PAGEALLOC_VARIANTS: readonly PageallocVariant[] = [
  {
    name: "v6.6",
    kernel: {
      file: FILES,
      version: "v6.6",
      commits: [BLOB_66],
      differs:
        "Per-CPU lists with one pcp->high and free_factor; highatomic reserve up to 1% + 1 pageblock. Mechanism A: a costly __GFP_RETRY_MAYFAIL request without __GFP_IO gets fake reclaim progress (compaction_ready) and SKIPPED compaction with a suitable zonelist, so should_compact_retry returns true forever.",
    },
    hooks: V6_6_HOOKS,
    saturation: BUILTIN_SATURATION,
    pcpHighAutoTune: false,
    highatomicAlignedCap: false,
  },
  {
    name: "v6.8",
    kernel: {
      file: FILES,
      version: "v6.8",
      commits: ["803de9000f33", BLOB_68],
      differs:
        "Per-CPU lists auto-tuned (high_min/high_max, nr_pcp_alloc, free_count, decay_pcp_high); highatomic reserve ALIGN(1%, pageblock). Compaction needs __GFP_IO (gfp_compaction_allowed): a costly request that cannot compact goes to nopage after one reclaim round, and reclaim no longer bails out for compaction without IO.",
    },
    hooks: V6_8_HOOKS,
    saturation: BUILTIN_SATURATION,
    pcpHighAutoTune: true,
    highatomicAlignedCap: true,
  },
];

/** The variant used when none is named. */
export const DEFAULT_PAGEALLOC_VARIANT = "v6.8";

/**
 * Looks a variant up by name (`v6.6`, `pagealloc@v6.6`, or a loaded policy module's name);
 * undefined when unknown.
 */
export function findPageallocVariant(name: string): PageallocVariant | undefined {
  const bare = name.startsWith("pagealloc@") ? name.slice(10) : name;
  return PAGEALLOC_VARIANTS.find((v) => v.name === bare) ?? userPageallocVariant(bare);
}

/** A loaded policy module as a variant: its base's hooks with the module's in their place. */
function userPageallocVariant(name: string): PageallocVariant | undefined {
  const user = findUserPolicy("pagealloc", name);
  const base = user && PAGEALLOC_VARIANTS.find((v) => v.name === user.base);
  if (user === undefined || base === undefined) return undefined;
  const cap = user.saturation ?? USER_SATURATION;
  return {
    name: user.name,
    kernel: {
      ...base.kernel,
      differs: `${user.description} (policy ${user.file}, from ${base.name})`,
    },
    hooks: { ...base.hooks, ...user.hooks } as PageallocHooks,
    saturation: {
      loops:
        "should_reclaim_retry" in user.hooks
          ? Math.max(cap, BUILTIN_SATURATION.loops)
          : BUILTIN_SATURATION.loops,
      retries:
        "should_compact_retry" in user.hooks
          ? Math.max(cap, BUILTIN_SATURATION.retries)
          : BUILTIN_SATURATION.retries,
    },
    file: user.file,
    pcpHighAutoTune: base.pcpHighAutoTune,
    highatomicAlignedCap: base.highatomicAlignedCap,
  };
}
