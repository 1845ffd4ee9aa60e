/**
 * Variants of the noncontig model: an ALSA memalloc policy (sound/core/memalloc.c v6.2-v6.8 and
 * the unmerged February 2024 proposals, spec section 2.3) on a page allocator variant (v6.6, or
 * v6.8 with 803de9000f33), named `<policy>@<pagealloc>`, e.g. `upstream@v6.6`.
 */
import type { VariantInfo } from "../model.js";
import { findUserPolicy } from "../policy.js";
import { ALSA_POLICY_HOOKS, type NoncontigHooks } from "./policy.js";
import {
  findPageallocVariant,
  PAGEALLOC_VARIANTS,
  type PageallocVariant,
} from "../pagealloc/variants.js";

/** The ALSA policies compared. */
export const ALSA_POLICIES = [
  "upstream",
  "noretry-nonIOMMU",
  "iwai-a",
  "iwai-b",
  "noretry-legacy",
  "xen-pv",
] as const;
export type AlsaPolicy = (typeof ALSA_POLICIES)[number];

const POLICY_TEXT: Record<AlsaPolicy, { commits?: string[]; differs: string }> = {
  upstream: {
    commits: ["a61c7d88d38c", "9d8e536d36e7"],
    differs:
      "DEFAULT_GFP = GFP_KERNEL|__GFP_RETRY_MAYFAIL|__GFP_NOWARN into dma_alloc_noncontiguous; without dma_ops (no IOMMU) a failure falls back to snd_dma_sg_fallback_alloc with __GFP_NORETRY chunks.",
  },
  "noretry-nonIOMMU": {
    differs:
      "The v1 patch (K. Ramasubramanian, Feb 2024): __GFP_NORETRY is ORed into the dma_alloc_noncontiguous gfp when the device has no dma_ops, so the contiguous request fails fast into the fallback.",
  },
  "iwai-a": {
    differs:
      "T. Iwai's first proposal: default_gfp(size) = __GFP_NORETRY above one page, __GFP_RETRY_MAYFAIL for one page, for the noncontig request (IOMMU or not) and the fallback chunks.",
  },
  "iwai-b": {
    differs:
      "T. Iwai's last proposal (16 Feb 2024): DEFAULT_GFP back to __GFP_NORETRY, including the dma_alloc_noncontiguous request of a non-IOMMU device whatever its size; DEFAULT_GFP_RETRY (__GFP_RETRY_MAYFAIL) for dma_alloc_noncontiguous with an IOMMU (whose backoff only uses it at the smallest order) and for one-page fallback chunks.",
  },
  "noretry-legacy": {
    differs:
      "The default before a61c7d88d38c: GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN everywhere (__GFP_COMP, dropped with the v6.2 dma-mapping changes, is not passed).",
  },
  "xen-pv": {
    differs:
      "An x86 Xen PV guest: snd_dma_noncontig_alloc goes straight to the SG fallback, whose chunks come from dma_alloc_coherent(DEFAULT_GFP), i.e. __GFP_RETRY_MAYFAIL buddy requests of get_order(chunk).",
  },
};

/** One noncontig variant: the ALSA policy, its hooks, and the page allocator beneath it. */
export interface NoncontigVariant extends VariantInfo {
  /** The built-in policy, or the built-in a user's policy module starts from. */
  policy: AlsaPolicy;
  hooks: NoncontigHooks;
  /** An x86 Xen PV guest (the xen-pv policy's platform). */
  xenPv: boolean;
  pagealloc: PageallocVariant;
  /** The user's policy module, for a policy variant. */
  file?: string;
}

/** All variants: every policy on every page allocator variant. */
export const NONCONTIG_VARIANTS: readonly NoncontigVariant[] = ALSA_POLICIES.flatMap((policy) =>
  PAGEALLOC_VARIANTS.map((pa) => {
    const text = POLICY_TEXT[policy];
    const commits = [...(text.commits ?? []), ...(pa.kernel.commits ?? [])];
    return {
      name: `${policy}@${pa.name}`,
      policy,
      hooks: ALSA_POLICY_HOOKS[policy],
      xenPv: policy === "xen-pv",
      pagealloc: findPageallocVariant(pa.name) as PageallocVariant,
      kernel: {
        file: "sound/core/memalloc.c, kernel/dma/mapping.c, kernel/dma/direct.c, drivers/iommu/dma-iommu.c",
        version: pa.name,
        ...(commits.length > 0 ? { commits } : {}),
        differs: `${text.differs} Page allocator ${pa.name}: ${pa.kernel.differs}`,
      },
    };
  }),
);

/** The variant used when none is named. */
export const DEFAULT_NONCONTIG_VARIANT = "upstream@v6.8";

/**
 * A variant by name: a built-in `<policy>@<pagealloc>`, the same over a page allocator policy
 * module (`upstream@<module>`), or an ALSA policy module's name (on its base's page allocator).
 */
export function findNoncontigVariant(name: string): NoncontigVariant | undefined {
  const bare = name.startsWith("noncontig@") ? name.slice(10) : name;
  const builtin = NONCONTIG_VARIANTS.find((v) => v.name === bare);
  if (builtin !== undefined) return builtin;
  const user = findUserPolicy("noncontig", bare);
  if (user !== undefined) {
    const base = NONCONTIG_VARIANTS.find((v) => v.name === user.base);
    if (base === undefined) return undefined;
    return {
      ...base,
      name: user.name,
      kernel: {
        ...base.kernel,
        differs: `${user.description} (policy ${user.file}, from ${base.name})`,
      },
      hooks: { ...base.hooks, ...user.hooks } as NoncontigHooks,
      file: user.file,
    };
  }
  const at = bare.lastIndexOf("@");
  const policy = ALSA_POLICIES.find((p) => p === bare.slice(0, at));
  const pagealloc = findPageallocVariant(bare.slice(at + 1));
  if (policy === undefined || pagealloc?.file === undefined) return undefined;
  const base = NONCONTIG_VARIANTS.find((v) => v.name === `${policy}@${findBase(pagealloc)}`);
  return (
    base && {
      ...base,
      name: bare,
      pagealloc,
      kernel: {
        ...base.kernel,
        version: pagealloc.name,
        differs: `${base.kernel.differs} Page allocator policy ${pagealloc.name}: ${pagealloc.kernel.differs}`,
      },
    }
  );
}

/** The built-in page allocator variant a policy module's variant starts from. */
function findBase(pagealloc: PageallocVariant): string {
  return findUserPolicy("pagealloc", pagealloc.name)?.base ?? pagealloc.name;
}
