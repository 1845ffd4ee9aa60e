// An ALSA policy: don't retry hard for a contiguous buffer when there is no IOMMU, and fall
// back to small chunks.
//
// In the February 2024 thread "ALSA: memalloc: Fix indefinite hang in non-iommu case", the
// upstream DEFAULT_GFP (__GFP_RETRY_MAYFAIL) made a large contiguous request during resume loop
// in the v6.6 page allocator. This policy asks dma_alloc_noncontiguous with __GFP_NORETRY when
// the device has no IOMMU (a contiguous multi-page block is then only a wish), and builds the
// SG fallback from chunks of at most 64 pages (256 KiB), halving after a failure; one-page
// chunks keep __GFP_RETRY_MAYFAIL, which cannot hang for order 0.
//
//   dmafuzz fuzz --target noncontig --policy examples/policies/alsa-small-chunks.mjs --max-time 60
//   dmafuzz bench --suite alsa-resume --quick --policy examples/policies/alsa-small-chunks.mjs
export default {
  name: "alsa-small-chunks",
  model: "noncontig",
  // The upstream ALSA code on the v6.6 page allocator (the ChromeOS hang reports).
  base: "upstream@v6.6",
  description: "__GFP_NORETRY without an IOMMU; SG fallback chunks of at most 64 pages.",
  hooks: {
    // The gfp for dma_alloc_noncontiguous, or "fallback" to skip it.
    snd_dma_noncontig_alloc(args) {
      if (args.xen_pv) return "fallback";
      if (args.iommu) return "GFP_KERNEL|__GFP_RETRY_MAYFAIL|__GFP_NOWARN";
      return "GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN";
    },
    // The next chunk's size in pages (0 gives up): at most 64, halved after a failure.
    snd_dma_sg_fallback_alloc(args) {
      if (args.chunk_pages === 0) return Math.min(args.remaining_pages, 64);
      if (!args.failed) return Math.min(args.remaining_pages, args.chunk_pages);
      if (args.chunk_pages === 1) return 0;
      return Math.min(args.remaining_pages, Math.ceil(args.chunk_pages / 2));
    },
    // The gfp of one chunk.
    do_alloc_pages(args) {
      return args.chunk_pages === 1
        ? "GFP_KERNEL|__GFP_RETRY_MAYFAIL|__GFP_NOWARN"
        : "GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN";
    },
  },
};
