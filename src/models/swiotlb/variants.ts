/**
 * The swiotlb static-pool variants: kernel/dma/swiotlb.c just before and just after Will Deacon's
 * and Petr Tesarik's alignment fixes of March 2024 (spec part B.1, "Notes"). Each variant is a set
 * of switches read by ./search.ts and ./model.ts.
 */
import type { VariantInfo } from "../model.js";

/** Behaviour switches of one swiotlb variant. */
export interface SwiotlbVariant extends VariantInfo {
  /**
   * How swiotlb_search_pool_area() turns the masks into a slot test:
   * - `or-masks` (v6.6-v6.8): iotlb_align_mask = min_align_mask | alloc_align_mask (| ~PAGE_MASK
   *   for sizes of a page or more), compared with orig_addr only when orig_addr != 0, so a
   *   swiotlb_alloc() (orig 0) checks no alignment at all;
   * - `split-masks` (v6.9+): the slot address must have the alloc_align_mask bits clear (streaming
   *   maps of a page or more without masks get PAGE_SIZE - 1), and only the min_align_mask bits
   *   above alloc_align_mask must match orig_addr.
   */
  slotSearch: "or-masks" | "split-masks";
  /**
   * swiotlb_alloc(): `none` searches with alloc_align_mask 0 and returns the page holding the first
   * slot, PFN_DOWN (v6.8); `order` passes (PAGE_SIZE << get_order(size)) - 1 (cbf53074a528).
   */
  allocAlignment: "none" | "order";
  /**
   * af133562d5af: the pre-padding offset keeps orig_addr's min_align_mask bits up to
   * alloc_align_mask, whole padding slots are allocated in front and counted in pad_slots.
   */
  padSlots: boolean;
}

const FILE = "kernel/dma/swiotlb.c";

/** All swiotlb static-pool variants, oldest first. */
export const SWIOTLB_VARIANTS: readonly SwiotlbVariant[] = [
  {
    name: "v6.8",
    kernel: {
      file: FILE,
      version: "v6.8 (git blob b079a9a8e087)",
      commits: ["0eee5ae10256"],
      differs:
        "Pre-fix: alloc_align_mask is OR-ed into the mask compared with orig_addr, so it is not enforced when orig_addr bits are set and not at all for swiotlb_alloc(), which returns the page below an odd first slot and frees the wrong slots later (double allocation). No pad_slots.",
    },
    slotSearch: "or-masks",
    allocAlignment: "none",
    padSlots: false,
  },
  {
    name: "v6.9",
    kernel: {
      file: FILE,
      version: "v6.9 (git blob 0de66f0ff43a)",
      commits: [
        "04867a7a3332",
        "823353b7cf0e",
        "cbf53074a528",
        "51b30ecb73b4",
        "14cebf689a78",
        "af133562d5af",
      ],
      differs:
        "Post-fix: slots are aligned to alloc_align_mask (page-aligned for streaming maps of a page or more without masks), swiotlb_alloc() aligns to its order, and pre-padding up to alloc_align_mask allocates pad_slots in front of the mapping.",
    },
    slotSearch: "split-masks",
    allocAlignment: "order",
    padSlots: true,
  },
];

/** The variant used when none is named. */
export const DEFAULT_SWIOTLB_VARIANT = "v6.9";

/** Looks a variant up by name (`v6.8` or `swiotlb@v6.8`); undefined when unknown. */
export function findSwiotlbVariant(name: string): SwiotlbVariant | undefined {
  const bare = name.startsWith("swiotlb@") ? name.slice(8) : name;
  return SWIOTLB_VARIANTS.find((v) => v.name === bare);
}
