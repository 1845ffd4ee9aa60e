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
  /**
   * Where bounce buffers come from beyond the boot-time pool:
   * - `static`: nowhere (no CONFIG_SWIOTLB_DYNAMIC);
   * - `dynamic`: CONFIG_SWIOTLB_DYNAMIC as merged (growth pools from a worker, transient pools
   *   per mapping), ./dynamic.ts;
   * - `rfc-v1`: the March 2023 RFC's per-mapping page allocations tried first, ./rfc.ts.
   */
  design: "static" | "dynamic" | "rfc-v1";
}

const FILE = "kernel/dma/swiotlb.c";

/** All swiotlb variants: the static pool oldest first, then the dynamic designs. */
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
    design: "static",
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
    design: "static",
  },
  {
    name: "v6.9-dynamic",
    kernel: {
      file: FILE,
      version: "v6.9 (git blob 0de66f0ff43a) with CONFIG_SWIOTLB_DYNAMIC=y",
      commits: ["1aaa736815eb", "79636caad361", "3dc2f209208d"],
      differs:
        "v6.9's search over a pool list, newest first and area-major; when nothing fits, a growth pool of at most 2048 slots (4 MiB) from a worker with GFP_KERNEL, and a transient pool per mapping with GFP_NOWAIT | __GFP_NOWARN, freed on unmap. Mappings over 256 KiB fail up front. Restricted pools never grow.",
    },
    slotSearch: "split-masks",
    allocAlignment: "order",
    padSlots: true,
    design: "dynamic",
  },
  {
    name: "rfc-v1",
    kernel: {
      file: FILE,
      version: "RFC v1 of 20 Mar 2023 (Petr Tesarik, not merged) on the v6.9 slot search",
      commits: [],
      differs:
        "Dynamic buffers first for mappings of at least a page without alignment masks: pages from the page allocator, GFP_KERNEL with DMA_ATTR_MAY_SLEEP else GFP_NOWAIT, any size up to MAX_ORDER; the fixed pool as fallback; a tree lookup on unmap and sync of every address outside the fixed pool.",
    },
    slotSearch: "split-masks",
    allocAlignment: "order",
    padSlots: true,
    design: "rfc-v1",
  },
];

/** The variant used when none is named. */
export const DEFAULT_SWIOTLB_VARIANT = "v6.9";

/** Looks a variant up by name (`v6.8` or `swiotlb@v6.8`); undefined when unknown. */
export function findSwiotlbVariant(name: string): SwiotlbVariant | undefined {
  const bare = name.startsWith("swiotlb@") ? name.slice(8) : name;
  return SWIOTLB_VARIANTS.find((v) => v.name === bare);
}
