/**
 * The CMA policy interface: the decisions of cma_alloc's retry loop (mm/cma.c) where the 2020
 * patches differ, and the built-in variants written against it. See ./README.md, "Policy hooks".
 */
import { type HookContext, type HookValidator, isOneOf, ok, show } from "../policy.js";

/** What a candidate's busy page was held by when alloc_contig_range returned -EBUSY. */
export type PinKind = "none" | "transient" | "longterm";

/**
 * The arguments of {@link CmaHooks.cma_alloc}: a whole pass over the bitmap ended and the last
 * alloc_contig_range returned -EBUSY.
 */
export interface CmaPassArgs {
  /** Passes done so far in this call (1 after the first). */
  readonly attempt: number;
  /** Virtual nanoseconds since cma_alloc was entered. */
  readonly elapsed_ns: number;
  /** The allocation's gfp (GFP_KERNEL, with __GFP_NOWARN for a no_warn call). */
  readonly gfp: number;
  /** Pages asked for, and the alignment order. */
  readonly count: number;
  readonly align: number;
  /** Candidates of the pass just ended whose busy page had a transient pin, a long-term pin. */
  readonly busy_transient: number;
  readonly busy_longterm: number;
  /** The latest end (virtual ns) of a transient pin that failed a candidate in this call, or -1. */
  readonly pin_end_ns: number;
}

/** The arguments of {@link CmaHooks.cma_alloc_busy}: one candidate range came back -EBUSY. */
export interface CmaBusyArgs {
  /** What held the busy page. */
  readonly pin: PinKind;
  /** When that pin ends (virtual ns): -1 for none, Infinity for a long-term pin. */
  readonly pin_end_ns: number;
  /** This candidate was just retried after a wait and its busy page had no pin then either. */
  readonly retried: boolean;
  /** The candidate's bitmap index. */
  readonly bitmap_no: number;
  readonly attempt: number;
  readonly elapsed_ns: number;
}

/** The hooks of the cma model. */
export interface CmaHooks {
  /**
   * cma_alloc, at the end of a pass over the bitmap that ended with -EBUSY. Return `false` to
   * fail (cma_alloc returns NULL and logs "alloc failed"), or a number of milliseconds to
   * msleep() (it wakes on the jiffy after msecs_to_jiffies(ms) + 1) before rescanning from
   * bitmap index 0. The call is a hang once it has run for the hang bound (120 s).
   */
  cma_alloc(args: CmaPassArgs, ctx: HookContext): false | number;
  /**
   * cma_alloc, when alloc_contig_range returned -EBUSY for one candidate. Return `"next"` to
   * move on to the next candidate (upstream), or `"wait"` to sleep until the busy page's pin
   * drops (at once if it has no pin; forever for a long-term pin) and retry the same candidate.
   */
  cma_alloc_busy(args: CmaBusyArgs, ctx: HookContext): "next" | "wait";
}

/** Hook names and the validators of their results. */
export const CMA_HOOKS: Record<keyof CmaHooks, HookValidator> = {
  cma_alloc: (v) =>
    v === false || (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= 3_600_000)
      ? ok(v)
      : `must return false or a sleep in milliseconds (an integer in [0, 3600000]), got ${show(v)}`,
  cma_alloc_busy: isOneOf(["next", "wait"]),
};

/** Upstream (v5.9-v6.14): one pass, then NULL. */
export const FAIL_FAST: CmaHooks = {
  cma_alloc: () => false,
  cma_alloc_busy: () => "next",
};

/** Goldsworthy v1: msleep(sleepMs) and rescan, at most `retries` times. */
export function retryHooks(retries: number, sleepMs: number): CmaHooks {
  return {
    cma_alloc: (a) => (a.attempt - 1 < retries ? sleepMs : false),
    cma_alloc_busy: () => "next",
  };
}

/** Goldsworthy v3/v4 with __GFP_NOFAIL: msleep(sleepMs) and rescan, forever. */
export function nofailHooks(sleepMs: number): CmaHooks {
  return {
    cma_alloc: () => sleepMs,
    cma_alloc_busy: () => "next",
  };
}

/**
 * Morton's suggestion: wait on a busy page until its pin drops and retry the same candidate; a
 * page that is busy with no pin is retried once, then passed by.
 */
export const PIN_WAIT: CmaHooks = {
  cma_alloc: () => false,
  cma_alloc_busy: (a) => (a.pin !== "none" || !a.retried ? "wait" : "next"),
};
