/**
 * The swiotlb variants: kernel/dma/swiotlb.c of the LTS kernels v6.1 and v6.6, of v6.8 and v6.9
 * (just before and just after Will Deacon's and Petr Tesarik's alignment fixes of March 2024, spec
 * part B.1, "Notes"), of mainline v7.1, the dynamic designs, and proposals that are not kernel
 * releases. Each variant is a set of switches read by ./search.ts, ./pool.ts, ./dynamic.ts and
 * ./model.ts.
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
  slotSearch: "min-mask" | "or-masks" | "split-masks";
  /**
   * The loop of the area search:
   * - `until-wrap` (v6.1 swiotlb_do_find_slots()): from `wrap = ALIGN(area->index, stride)`,
   *   `do { ... } while (index != wrap)`; it never ends when the +1 steps put the index off the
   *   stride's phase (a hang, ./pool.ts);
   * - `slot-budget` (v6.6 on): from area->index while `slots_checked < area_nslabs`, a +1 step
   *   counting 1 and a stride counting `stride`; past the area end the index resets to 0;
   * - `aligned-restart` (a proposal, not a kernel release): as `slot-budget`, but a stride that
   *   runs past the area end restarts at the area's first index that passes the address test.
   */
  areaLoop: "until-wrap" | "slot-budget" | "aligned-restart";
  /**
   * The size swiotlb_tbl_map_single() searches for: `caller` (up to v6.9) the caller's
   * alloc_size plus the pre-padding offset, after refusing mapping_size > alloc_size ("Invalid
   * sizes"); `aligned` (v6.10 on, no alloc_size argument) ALIGN(size + offset,
   * alloc_align_mask + 1).
   */
  mapSize: "caller" | "aligned";
  /** v6.10 on: dev_WARN_ONCE() when alloc_align_mask > ~PAGE_MASK ("Alloc alignment may..."). */
  alignWarning: boolean;
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
  /**
   * CONFIG_SWIOTLB_DYNAMIC's rules (ignored by static builds):
   * - `v6.6`: swiotlb_find_slots() walks mem->pools newest first, all areas of one pool before
   *   the next; no size check before a transient pool; swiotlb_init_io_tlb_pool() sets
   *   list[i] = IO_TLB_SEGSIZE - io_tlb_offset(i), so a transient pool smaller than a segment
   *   advertises free slots past its end;
   * - `v6.9`: area-major over the pools, mappings over 256 KiB refused first, list[] clamped to
   *   the pool's end.
   */
  dynamicRules: "v6.6" | "v6.9";
  /** True for a proposal that no kernel release contains (listed as such). */
  proposal?: boolean;
}

const FILE = "kernel/dma/swiotlb.c";

/** All swiotlb variants: the static pool oldest first, then the dynamic designs. */
export const SWIOTLB_VARIANTS: readonly SwiotlbVariant[] = [
  {
    name: "v6.1",
    kernel: {
      file: FILE,
      version: "v6.1 (git blob 339a990554e7)",
      commits: [],
      differs:
        "swiotlb_do_find_slots(): only min_align_mask bits above 2 KiB are compared with orig_addr; alloc_align_mask and the page rule only set the stride and the start ALIGN(area->index, stride); the loop runs until the index comes back to that start, and never ends when +1 steps put it off the stride's phase. No io_tlb_pool, no pad_slots.",
    },
    slotSearch: "min-mask",
    areaLoop: "until-wrap",
    mapSize: "caller",
    alignWarning: false,
    allocAlignment: "none",
    padSlots: false,
    design: "static",
    dynamicRules: "v6.9",
  },
  {
    name: "v6.6",
    kernel: {
      file: FILE,
      version: "v6.6 (git blob dff067bd56b1), CONFIG_SWIOTLB_DYNAMIC=n",
      commits: ["0eee5ae10256"],
      differs:
        "The static search of v6.8 (swiotlb_area_find_slots(), slots_checked budget, orig_addr compared with min_align_mask | alloc_align_mask): the same results as v6.8, alignment and double-allocation bugs included.",
    },
    slotSearch: "or-masks",
    areaLoop: "slot-budget",
    mapSize: "caller",
    alignWarning: false,
    allocAlignment: "none",
    padSlots: false,
    design: "static",
    dynamicRules: "v6.6",
  },
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
    areaLoop: "slot-budget",
    mapSize: "caller",
    alignWarning: false,
    allocAlignment: "none",
    padSlots: false,
    design: "static",
    dynamicRules: "v6.9",
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
    areaLoop: "slot-budget",
    mapSize: "caller",
    alignWarning: false,
    allocAlignment: "order",
    padSlots: true,
    design: "static",
    dynamicRules: "v6.9",
  },
  {
    name: "v7.1",
    kernel: {
      file: FILE,
      version: "v7.1 (git blob 1abd3e6146f4), CONFIG_SWIOTLB_DYNAMIC=n",
      commits: [],
      differs:
        "v6.9's search and release; since v6.10 swiotlb_tbl_map_single() takes no alloc_size and searches for ALIGN(size + offset, alloc_align_mask + 1) bytes (no 'Invalid sizes' refusal), and warns (dev_WARN_ONCE) when alloc_align_mask exceeds ~PAGE_MASK.",
    },
    slotSearch: "split-masks",
    areaLoop: "slot-budget",
    mapSize: "aligned",
    alignWarning: true,
    allocAlignment: "order",
    padSlots: true,
    design: "static",
    dynamicRules: "v6.9",
  },
  {
    name: "proposal-aligned-wrap",
    kernel: {
      file: FILE,
      version: "a PROPOSAL, not a kernel release (v7.1 with an aligned restart after a wrap)",
      commits: [],
      differs:
        "v7.1, except that in swiotlb_search_pool_area() a stride past the area's end restarts at the area's first index that passes the alignment test instead of index 0, so the slots_checked budget is not spent on +1 steps back to alignment and no aligned candidate of the area is skipped (docs/findings/).",
    },
    slotSearch: "split-masks",
    areaLoop: "aligned-restart",
    mapSize: "aligned",
    alignWarning: true,
    allocAlignment: "order",
    padSlots: true,
    design: "static",
    dynamicRules: "v6.9",
    proposal: true,
  },
  {
    name: "v6.6-dynamic",
    kernel: {
      file: FILE,
      version: "v6.6 (git blob dff067bd56b1) with CONFIG_SWIOTLB_DYNAMIC=y",
      commits: ["1aaa736815eb", "79636caad361"],
      differs:
        "CONFIG_SWIOTLB_DYNAMIC as merged: v6.6's static search over mem->pools newest first, each pool's areas in turn; growth pools from a worker and a transient pool per mapping as in v6.9-dynamic, but no 256 KiB check first (an oversize mapping schedules growth and tries a transient pool) and transient pools under a segment advertise free slots past their end.",
    },
    slotSearch: "or-masks",
    areaLoop: "slot-budget",
    mapSize: "caller",
    alignWarning: false,
    allocAlignment: "none",
    padSlots: false,
    design: "dynamic",
    dynamicRules: "v6.6",
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
    areaLoop: "slot-budget",
    mapSize: "caller",
    alignWarning: false,
    allocAlignment: "order",
    padSlots: true,
    design: "dynamic",
    dynamicRules: "v6.9",
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
    areaLoop: "slot-budget",
    mapSize: "caller",
    alignWarning: false,
    allocAlignment: "order",
    padSlots: true,
    design: "rfc-v1",
    dynamicRules: "v6.9",
  },
];

/** The variant used when none is named. */
export const DEFAULT_SWIOTLB_VARIANT = "v6.9";

/** Looks a variant up by name (`v6.8` or `swiotlb@v6.8`); undefined when unknown. */
export function findSwiotlbVariant(name: string): SwiotlbVariant | undefined {
  const bare = name.startsWith("swiotlb@") ? name.slice(8) : name;
  return SWIOTLB_VARIANTS.find((v) => v.name === bare);
}
