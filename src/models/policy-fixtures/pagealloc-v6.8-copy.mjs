// The built-in v6.8 hooks (src/models/pagealloc/policy.ts) copied into a file on top of v6.8 (whose
// per-CPU lists differ from v6.6's, so the base must be v6.8 for the results to be equal):
// the same decisions through the user-policy path (the guard), for equivalence and overhead.
const COSTLY = 3;
export default {
  name: "v6.8-copy",
  model: "pagealloc",
  base: "v6.8",
  saturation: 17,
  hooks: {
    gfp_compaction_allowed: (a, ctx) => (a.gfp & ctx.gfp("__GFP_IO")) !== 0,
    should_reclaim_retry: (a) => a.no_progress_loops <= 16 && a.watermark_ok,
    should_compact_retry(a) {
      if (a.order === 0) return false;
      const costly = a.order > COSTLY;
      let retries = a.compaction_retries;
      const prio = a.compact_priority;
      const out = (retry, r, p) => ({ retry, compaction_retries: r, compact_priority: p });
      if (a.compact_result === "skipped") return out(a.zonelist_suitable, retries, prio);
      if (a.compact_result === "success") {
        if (++retries <= (costly ? 4 : 16)) return out(true, retries, prio);
      }
      if (prio > (costly ? 1 : 0)) return out(true, 0, prio - 1);
      return out(false, retries, prio);
    },
    __alloc_pages_may_oom: (a, ctx) =>
      a.order > COSTLY ||
      (a.gfp & ctx.gfp("__GFP_RETRY_MAYFAIL|__GFP_THISNODE")) !== 0 ||
      a.highest_zoneidx < 2 ||
      a.pm_suspended_storage,
  },
};
