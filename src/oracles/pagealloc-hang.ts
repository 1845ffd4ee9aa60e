/**
 * Why a page allocator request hung: the loop the slowpath was caught in, named from the ways its
 * passes went back to `retry:` and what reclaim did, with the kernel source that makes the loop
 * (mm/page_alloc.c and mm/oom_kill.c of v6.6 and v6.8, which agree here; spec 1.7-1.9). Hangs of
 * different causes get different finding sites, so a campaign reports each loop apart, and the
 * message says whether the kernel really loops there.
 */
import { __GFP_FS, __GFP_NOFAIL, formatGfp, type Gfp } from "../models/pagealloc/gfp.js";
import type { AllocCounters } from "../models/pagealloc/result.js";

/** The loops a hung request can be in, most specific first. */
export type HangCause =
  | "nofail"
  | "nofs-oom-progress"
  | "oom-kill-progress"
  | "reclaim-stolen"
  | "fake-reclaim-progress"
  | "other";

/** A kernel function and the fact about it the verdict rests on. */
export interface KernelReference {
  file: string;
  function: string;
  versions: string;
  fact: string;
}

const PAGE_ALLOC = "mm/page_alloc.c";

const SLOWPATH_OOM_RETRY: KernelReference = {
  file: PAGE_ALLOC,
  function: "__alloc_pages_slowpath",
  versions: "v6.6, v6.8",
  fact: "after __alloc_pages_may_oom, did_some_progress != 0 zeroes no_progress_loops and jumps back to retry:",
};

const REFERENCES: Record<HangCause, readonly KernelReference[]> = {
  nofail: [
    {
      file: "include/linux/gfp_types.h",
      function: "__GFP_NOFAIL",
      versions: "v6.6, v6.8",
      fact: "the allocation may block indefinitely but never returns failure",
    },
    {
      file: PAGE_ALLOC,
      function: "__alloc_pages_slowpath (nopage:)",
      versions: "v6.6, v6.8",
      fact: "a __GFP_NOFAIL request that can reclaim tries once more at MIN and jumps back to retry:",
    },
  ],
  "nofs-oom-progress": [
    {
      file: "mm/oom_kill.c",
      function: "out_of_memory",
      versions: "v6.6, v6.8",
      fact: "returns true without selecting a victim when the gfp mask lacks __GFP_FS (global OOM)",
    },
    {
      file: PAGE_ALLOC,
      function: "__alloc_pages_may_oom",
      versions: "v6.6, v6.8",
      fact: "order <= PAGE_ALLOC_COSTLY_ORDER, no __GFP_RETRY_MAYFAIL/__GFP_THISNODE, highest zone >= ZONE_NORMAL and !pm_suspended_storage() reach out_of_memory(); its true sets *did_some_progress = 1",
    },
    SLOWPATH_OOM_RETRY,
    {
      file: PAGE_ALLOC,
      function: "should_reclaim_retry",
      versions: "v6.6, v6.8",
      fact: "gives up after MAX_RECLAIM_RETRIES (16) passes without progress, so the loop reaches the OOM step every 17 passes and never nopage:",
    },
  ],
  "oom-kill-progress": [
    {
      file: "mm/oom_kill.c",
      function: "out_of_memory",
      versions: "v6.6, v6.8",
      fact: "a kill is progress; the request retries as long as kills keep happening",
    },
    SLOWPATH_OOM_RETRY,
  ],
  "reclaim-stolen": [
    {
      file: PAGE_ALLOC,
      function: "should_reclaim_retry",
      versions: "v6.6, v6.8",
      fact: "reclaim progress at order <= 3 zeroes no_progress_loops, and the retry goes on while free + reclaimable pages pass the MIN watermark: pages that other tasks take before the requester can keep it looping (spec 1.8 mechanism B, unfixed)",
    },
  ],
  "fake-reclaim-progress": [
    {
      file: "mm/vmscan.c",
      function: "do_try_to_free_pages / shrink_zones",
      versions: "v6.6, v6.8",
      fact: "reclaim that skips every zone (compaction_ready) or is aborted returns 1 without freeing a page, which the slowpath counts as progress (spec 1.6)",
    },
  ],
  other: [],
};

/**
 * What a hang's counters say the loop was. The order decides mixed loops: NOFAIL, then the OOM
 * step's progress (fake for NOFS/NOIO, or kills), then reclaim progress taken by others, then
 * reclaim progress without pages.
 */
export function hangCause(gfp: Gfp, c: AllocCounters): HangCause {
  if (gfp & __GFP_NOFAIL) return "nofail";
  if ((c.exits["oom-no-fs"] ?? 0) > 0) return "nofs-oom-progress";
  if ((c.exits["oom-kill"] ?? 0) > 0) return "oom-kill-progress";
  if (c.stolenPages > 0) return "reclaim-stolen";
  if (c.fakeProgress > 0) return "fake-reclaim-progress";
  return "other";
}

/** The kernel functions a cause rests on. */
export function hangReferences(cause: HangCause): readonly KernelReference[] {
  return REFERENCES[cause];
}

/** One sentence on the loop, for the finding message. */
export function hangExplanation(cause: HangCause, gfp: Gfp): string {
  switch (cause) {
    case "nofail":
      return "__GFP_NOFAIL never returns NULL: it loops until memory is freed (by contract).";
    case "nofs-oom-progress":
      return `kernel behaviour, not a model bug: without __GFP_FS (effective ${formatGfp(gfp)}) out_of_memory() returns true without killing (mm/oom_kill.c), __alloc_pages_may_oom() reports progress and __alloc_pages_slowpath() zeroes no_progress_loops and retries (mm/page_alloc.c, v6.6 and v6.8), so an order <= 3 NOIO/NOFS request never fails; it returns only when another task frees memory, and the trace has none. A livelock risk for callers in a NOIO/NOFS context outside system suspend (pm_suspended_storage() makes it fail there).`;
    case "oom-kill-progress":
      return "each OOM kill counts as progress and the request retries (mm/page_alloc.c __alloc_pages_slowpath).";
    case "reclaim-stolen":
      return `reclaim keeps freeing pages that other tasks take first, and progress at order <= 3 resets should_reclaim_retry's count (mm/page_alloc.c; spec 1.8 mechanism B, unfixed in the kernel)${gfp & __GFP_FS ? "" : "; without __GFP_FS the OOM step could not end it either"}.`;
    case "fake-reclaim-progress":
      return "direct reclaim reports progress without freeing a page (compaction_ready zones skipped or aborted reclaim, mm/vmscan.c), and the slowpath retries on it.";
    case "other":
      return "the loop matches none of the known causes; see the counters.";
  }
}

/** Whether a cause is the kernel's documented behaviour rather than a known kernel bug. */
export function isDocumentedBehaviour(cause: HangCause): boolean {
  return cause === "nofail" || cause === "nofs-oom-progress";
}
