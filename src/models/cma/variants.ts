/**
 * The cma_alloc retry policies of the 2020 debate (spec section 3.4 and 5): upstream's single pass,
 * Goldsworthy's v1 (rescan up to 5 times after msleep(100)), v3/v4's endless rescan under
 * __GFP_NOFAIL, and Morton's suggestion of waiting for the exact pin. `retry-<n>x<ms>ms` names the
 * general finite retry; only the declared variants are listed for the CLI.
 */
import type { VariantInfo } from "../model.js";
import { findUserPolicy } from "../policy.js";
import { type CmaHooks, FAIL_FAST, nofailHooks, PIN_WAIT, retryHooks } from "./policy.js";

/**
 * How cma_alloc reacts when a whole pass over the bitmap ended with -EBUSY, as data (for reports
 * and the oracle's site names); `user` is a policy module's. The model only asks the hooks.
 */
export type CmaPolicy =
  | { kind: "fail-fast" }
  | { kind: "retry"; retries: number; sleepMs: number }
  | { kind: "nofail"; sleepMs: number }
  | { kind: "pin-wait" }
  | { kind: "user"; name: string; file: string };

/** One CMA variant: its policy, the hooks that carry it out, and its kernel reference. */
export interface CmaVariant extends VariantInfo {
  policy: CmaPolicy;
  hooks: CmaHooks;
}

const FILE = "mm/cma.c, mm/page_alloc.c";

/** All declared CMA variants; upstream first. */
export const CMA_VARIANTS: readonly CmaVariant[] = [
  {
    name: "fail-fast",
    kernel: {
      file: FILE,
      version: "v6.6",
      differs:
        "Upstream: one pass over the bitmap; a busy candidate moves start to index + mask + 1; NULL after the pass, no sleep, no rescan.",
    },
    policy: { kind: "fail-fast" },
    hooks: FAIL_FAST,
  },
  retryVariant(5, 100),
  {
    name: "nofail",
    kernel: {
      file: FILE,
      version: "v5.9 + Goldsworthy v3/v4 (Sep 2020, not merged)",
      differs:
        "With __GFP_NOFAIL, a pass that ended with -EBUSY sleeps msleep(CONFIG_CMA_RETRY_SLEEP_DURATION = 100) and rescans from 0, forever; -ENOMEM still fails.",
    },
    policy: { kind: "nofail", sleepMs: 100 },
    hooks: nofailHooks(100),
  },
  {
    name: "pin-wait",
    kernel: {
      file: FILE,
      version: "v6.6 + Morton's suggestion (Aug 2020, never written)",
      differs:
        "A candidate that is busy because of a pinned page waits until that page's pin drops (a sleeping lock shared with the pin holder), then retries the same candidate; a pin that never drops is waited on forever.",
    },
    policy: { kind: "pin-wait" },
    hooks: PIN_WAIT,
  },
];

/** The variant used when none is named: upstream. */
export const DEFAULT_CMA_VARIANT = "fail-fast";

/** The finite-retry variant `retry-<n>x<ms>ms` (Goldsworthy v1 is n = 5, ms = 100). */
export function retryVariant(retries: number, sleepMs: number): CmaVariant {
  return {
    name: `retry-${retries}x${sleepMs}ms`,
    kernel: {
      file: FILE,
      version: "v5.8 + Goldsworthy v1 (5 Aug 2020, not merged)",
      differs: `A pass that ended with -EBUSY sleeps msleep(${sleepMs}) and rescans from 0, at most ${retries} times (${retries + 1} passes).`,
    },
    policy: { kind: "retry", retries, sleepMs },
    hooks: retryHooks(retries, sleepMs),
  };
}

/**
 * Looks a variant up (`nofail`, `cma@nofail`, any `retry-<n>x<ms>ms`, or a loaded policy
 * module's name); undefined when unknown.
 */
export function findCmaVariant(name: string): CmaVariant | undefined {
  return findBuiltinCmaVariant(name) ?? userCmaVariant(name);
}

/** A loaded policy module as a variant: its base's hooks with the module's in their place. */
function userCmaVariant(name: string): CmaVariant | undefined {
  const user = findUserPolicy("cma", name);
  const base = user && findBuiltinCmaVariant(user.base);
  if (user === undefined || base === undefined) return undefined;
  return {
    name: user.name,
    kernel: {
      ...base.kernel,
      differs: `${user.description} (policy ${user.file}, from ${base.name})`,
    },
    policy: { kind: "user", name: user.name, file: user.file },
    hooks: { ...base.hooks, ...user.hooks } as CmaHooks,
  };
}

/** A built-in variant by name. */
export function findBuiltinCmaVariant(name: string): CmaVariant | undefined {
  const bare = name.startsWith("cma@") ? name.slice(4) : name;
  const declared = CMA_VARIANTS.find((v) => v.name === bare);
  if (declared !== undefined) return declared;
  const m = /^retry-(\d{1,4})x(\d{1,6})ms$/.exec(bare);
  if (m === null) return undefined;
  return retryVariant(Number(m[1]), Number(m[2]));
}
