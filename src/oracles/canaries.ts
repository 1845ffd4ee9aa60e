/**
 * Canaries: the known bugs of the seed reports, each recognised on top of a general oracle. A
 * canary names the variants where it must fire and those where it must never fire; the tests
 * and the time-to-bug benchmark hold every canary to both lists.
 */

export interface Canary {
  id: string;
  model: string;
  /** The general finding kind it refines. */
  kind: string;
  description: string;
  /** Variants with the bug: the canary must fire there. The first is the one benchmarks time. */
  firesOn: readonly string[];
  /** Variants without it: the canary must never fire there. */
  silentOn: readonly string[];
  /** Where the bug and its fix are described. */
  reference: string;
}

/** All canaries of the models that exist. */
export const CANARIES: readonly Canary[] = [
  {
    id: "iova-max32-stale",
    model: "iova",
    kind: "spurious-failure",
    description:
      "A size-aligned 32-bit IOVA request is refused by the max32_alloc_size early fail although a large enough aligned hole is free: a free below cached32_node did not reset the estimate.",
    firesOn: ["v5.17", "v5.12", "v5.10"],
    silentOn: ["v5.18", "v6.2", "v6.7"],
    reference: "5b61343b5059 (v5.18); spec A.6; the 0x731f report on the iommu list, March 2022",
  },
  {
    id: "swiotlb-oversize-mapping",
    model: "swiotlb",
    kind: "warning",
    description:
      "A streaming mapping over 256 KiB (IO_TLB_SEGSIZE slots) without alignment masks on the default pool fails with 'swiotlb buffer is full' however empty the pool, without any attempt to get memory for it: the Raspberry Pi 4 dma-buf import of multi-MiB frames.",
    firesOn: ["v6.8", "v6.9", "v6.9-dynamic"],
    // The RFC v1 per-mapping design maps it when pages are available.
    silentOn: ["rfc-v1"],
    reference: "spec B.4; the RFC v1 dynamic swiotlb thread, March 2023",
  },
  {
    id: "swiotlb-rfc-sleeping-alloc-in-io-path",
    model: "swiotlb",
    kind: "deadlock-risk",
    description:
      "The RFC v1 allocates a mapping's bounce buffer from the page allocator with GFP_KERNEL when the caller passes DMA_ATTR_MAY_SLEEP, also from the block I/O path: direct reclaim can issue I/O that waits on this very path ('Without GFP_NOIO allocations this will deadlock eventually').",
    // The merged design allocates GFP_KERNEL only in its worker and GFP_NOWAIT per mapping.
    firesOn: ["rfc-v1"],
    silentOn: ["v6.8", "v6.9", "v6.9-dynamic"],
    reference: "spec B.3; Hellwig's reply to the RFC v1 (March 2023)",
  },
  {
    id: "pagealloc-noio-costly-hang",
    model: "pagealloc",
    kind: "hang",
    description:
      "A costly (order > 3) __GFP_RETRY_MAYFAIL request without __GFP_IO (NOIO scope, GFP_NOIO or the suspend mask) loops on reclaim progress (fake, or stolen by other tasks) while every compaction attempt is skipped, until the hang bound: the ALSA resume hang on non-IOMMU systems.",
    firesOn: ["v6.6"],
    silentOn: ["v6.8"],
    reference: "803de9000f33 (v6.8); spec 1.8 mechanism A",
  },
  {
    id: "alsa-noncontig-resume-hang",
    model: "noncontig",
    kind: "hang",
    description:
      "ALSA's SG buffer allocation at resume (IO and FS masked) never returns: its __GFP_RETRY_MAYFAIL default reaches the page allocator as one costly contiguous request (dma_alloc_noncontiguous without an IOMMU, or a Xen PV coherent chunk) and loops in mechanism A.",
    // v6.6 page allocator with ALSA's MAYFAIL default on costly requests. Silent: every v6.8
    // variant (803de9000f33 ends the loop), and the policies that keep __GFP_RETRY_MAYFAIL off
    // costly requests (NORETRY wins in the slowpath; the IOMMU loop uses it only at order 0).
    firesOn: ["upstream@v6.6", "xen-pv@v6.6"],
    silentOn: [
      "upstream@v6.8",
      "xen-pv@v6.8",
      "noretry-nonIOMMU@v6.6",
      "noretry-nonIOMMU@v6.8",
      "iwai-a@v6.6",
      "iwai-a@v6.8",
      "iwai-b@v6.6",
      "iwai-b@v6.8",
      "noretry-legacy@v6.6",
      "noretry-legacy@v6.8",
    ],
    reference:
      "spec 2.3; 'ALSA: memalloc: Fix indefinite hang in non-iommu case' (Feb 2024); 803de9000f33",
  },
  {
    id: "kdump-dma-pool-warn",
    model: "dmapool",
    kind: "warning",
    description:
      "On an x86_64 kdump kernel ZONE_DMA has no managed pages, yet dma_atomic_pool_init asks it for the GFP_DMA atomic pool: every order fails, warn_alloc prints 'page allocation failure: order:5, mode:0xcc1(GFP_KERNEL|GFP_DMA)' and the pool is not created.",
    firesOn: ["pre-has-managed-dma"],
    silentOn: ["has-managed-dma"],
    reference: "Baoquan He's has_managed_dma() series (v5.17; stable 5.10/5.15); spec 4",
  },
  {
    id: "cma-nofail-longterm-hang",
    model: "cma",
    kind: "hang",
    description:
      "cma_alloc under __GFP_NOFAIL rescans forever with 100 ms sleeps while a long-term pin (a driver's get_user_pages, vmsplice, a VM's memory) sits in every candidate range: Hildenbrand's objection to the endless retry.",
    // Bounded policies return (fail-fast after one pass, retry-5x100ms after six). pin-wait also
    // hangs on a long-term pin (spec 5: HANG iff the pin is long-term), but by sleeping on the one
    // pin it met, not by rescanning: a hang finding of its own (site pin-wait-longterm).
    firesOn: ["nofail"],
    silentOn: ["fail-fast", "retry-5x100ms", "pin-wait"],
    reference:
      "Goldsworthy 'mm: cma: indefinitely retry allocations' v2-v4 (Sep 2020, not merged); spec 3.4",
  },
  {
    id: "cma-transient-ebusy",
    model: "cma",
    kind: "spurious-failure",
    description:
      "Upstream's single-pass cma_alloc returns NULL (-EBUSY) although only transient pins (a preempted fork, an exit's TLB batch, direct I/O) blocked its candidates: the same request succeeds once they drop.",
    // nofail rescans until the pins drop and pin-wait sleeps on each one, so neither fails on a
    // transient pin. retry-5x100ms fails only on a pin that outlives its ~520 ms of sleeps
    // (rare: the fork window's lognormal tail), so it is on neither list.
    firesOn: ["fail-fast"],
    silentOn: ["nofail", "pin-wait"],
    reference:
      "Goldsworthy 'cma_alloc(), add sleep-and-retry for temporary page pinning' v1 (Aug 2020); spec 3.4",
  },
];

/** The canary with this id, or undefined. */
export function findCanary(id: string): Canary | undefined {
  return CANARIES.find((c) => c.id === id);
}
