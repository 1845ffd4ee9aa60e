// 803de9000f33 ("mm, vmscan: prevent infinite loop for costly GFP_NOIO | __GFP_RETRY_MAYFAIL
// allocations", V. Babka, Feb 2024) written as a policy on top of the v6.6 page allocator.
//
// In v6.6 a costly request without __GFP_IO (GFP_NOIO from a resume path, say) with
// __GFP_RETRY_MAYFAIL never ends: reclaim bails out early because compaction_ready() says
// compaction could run, compaction itself is skipped without __GFP_IO, and should_compact_retry
// keeps saying "retry" for a SKIPPED result. The fix adds gfp_compaction_allowed(): no
// compaction without __GFP_IO, so reclaim really reclaims, should_compact_retry is not asked,
// and the costly request goes to nopage after one round.
//
// One hook is the whole patch:
//   dmafuzz fuzz --target pagealloc --policy examples/policies/pagealloc-803de9000f33.mjs --max-time 60
//   dmafuzz bench --suite alsa-resume --quick --policy examples/policies/pagealloc-803de9000f33.mjs
// The campaign's pagealloc-noio-costly-hang canary stays silent; in the benchmark the rows
// `upstream@pagealloc-803de9000f33` show no hang where `upstream@v6.6` hangs.
export default {
  name: "pagealloc-803de9000f33",
  model: "pagealloc",
  base: "v6.6",
  description: "v6.6 with 803de9000f33: compaction needs __GFP_IO (gfp_compaction_allowed).",
  hooks: {
    // May this request compact? args.gfp is the allocation's mask; ctx.gfp() turns names
    // into a mask.
    gfp_compaction_allowed(args, ctx) {
      return (args.gfp & ctx.gfp("__GFP_IO")) !== 0;
    },
  },
};
