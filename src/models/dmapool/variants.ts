/**
 * DMA atomic pool variants: kernel/dma/pool.c before and after Baoquan He's has_managed_dma()
 * series (v5.17, backported to 5.10/5.15 stable). Read: kernel/dma/pool.c of v5.10
 * (Rtoax/linux-5.10.13 @ 411c0a3d, same pool code as v5.16) and of v6.6 (unifreq/linux-6.6.y @
 * 1229e46c, whose only local change is a 2 MiB default size, which is not modelled), recent
 * torvalds/linux @ 0510cb5b for comparison; spec section 4.
 */
import type { VariantInfo } from "../model.js";

/** Behaviour switches of one pool variant. */
export interface DmapoolVariant extends VariantInfo {
  /**
   * Baoquan He's series (Dec 2021, v5.17): has_managed_dma(); the GFP_DMA pool is created only if
   * has_managed_dma(); dma_guess_pool() falls through to the kernel pool when it is absent;
   * warn_alloc() stays silent for GFP_DMA without a managed ZONE_DMA.
   */
  hasManagedDma: boolean;
  /** atomic_pool_expand() passes gfp | __GFP_NOWARN to alloc_pages (v6.0+; not in v5.16). */
  expandNowarn: boolean;
}

const FILE = "kernel/dma/pool.c, mm/page_alloc.c";

/** All pool variants, oldest first. */
export const DMAPOOL_VARIANTS: readonly DmapoolVariant[] = [
  {
    name: "pre-has-managed-dma",
    kernel: {
      file: FILE,
      version: "v5.16",
      differs:
        "The GFP_DMA pool is always created: on a kdump kernel ZONE_DMA has no managed pages, so alloc_pages(GFP_KERNEL|GFP_DMA) fails for every order with a warn_alloc splat and 'DMA: failed to allocate'; a later GFP_DMA atomic request finds no pool and WARNs.",
    },
    hasManagedDma: false,
    expandNowarn: false,
  },
  {
    name: "has-managed-dma",
    kernel: {
      file: FILE,
      version: "v6.6",
      differs:
        "The GFP_DMA pool exists only if has_managed_dma(); a GFP_DMA atomic request starts at the kernel pool and is accepted only if the phys-mask check passes; expansion uses __GFP_NOWARN.",
    },
    hasManagedDma: true,
    expandNowarn: true,
  },
];

/** The variant used when none is named. */
export const DEFAULT_DMAPOOL_VARIANT = "has-managed-dma";
