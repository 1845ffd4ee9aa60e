/**
 * Policies are data (../shared/DESIGN.md): where kernel patches differ, a model asks a policy
 * object through a named hook instead of branching on its variant's name. Built-in variants and
 * users' policy modules (`--policy FILE`) are the same kind of object; a user's hooks run behind
 * a guard that keeps them deterministic and turns what they do wrong into a {@link PolicyError}
 * (bad input, reported with the hook's name and arguments, never a crash).
 *
 * This file holds what every model's policy has in common: the context a hook receives, the
 * guard, the validators of hook results, and the registry of users' policies by model.
 */
import type { VirtualClock } from "../sim/clock.js";
import type { Rng } from "../sim/rng.js";
import { formatGfp, parseGfp } from "./pagealloc/gfp.js";

/**
 * The second argument of every hook. Hooks must be deterministic: they read time through `now`
 * and randomness through `random()`, never Date.now, performance.now or Math.random (those throw
 * while a user's hook runs). Reading `now` or `random()` also tells the model that the decision
 * depends on more than the loop's state, so the retry loop is then run pass by pass.
 */
export interface HookContext {
  /** The model's virtual clock, in nanoseconds since the model started. */
  readonly now: number;
  /** A uniform number in [0, 1) from the policy's own seeded stream. */
  random(): number;
  /** The mask of gfp names, e.g. `ctx.gfp("GFP_KERNEL|__GFP_NORETRY")`; throws on an unknown name. */
  gfp(names: string): number;
  /** The kernel's names for a mask, e.g. `GFP_KERNEL|__GFP_NOWARN`. */
  gfpNames(mask: number): string;
}

/**
 * A policy as a user's module exports it (`export default { ... }` or `export const policy`).
 * `hooks` overrides some of the hooks of the built-in variant `base`; the rest come from it.
 */
export interface PolicyModule {
  /** The variant name the policy runs as (letters, digits, `.`, `_`, `-`). */
  name: string;
  /** The model it applies to: cma, pagealloc, noncontig, swiotlb, dmapool or iova. */
  model: string;
  /** The built-in variant it starts from, e.g. `v6.6` or `upstream@v6.6`. */
  base: string;
  /** One sentence for `dmafuzz list` and reports. */
  description?: string;
  /**
   * For retry-loop hooks that read a retry counter: from this count on (default 64) the hook
   * decides the same way, so the hang detector may take loops that differ only above it as
   * repeats. A hook whose decision changes later must say so here.
   */
  saturation?: number;
  /** Hooks by their kernel function's name. */
  hooks: Record<string, unknown>;
}

/** A user's policy once loaded: the module, the file and its hooks behind the guard. */
export interface UserPolicy {
  name: string;
  model: string;
  base: string;
  description: string;
  file: string;
  saturation?: number;
  /** The user's hooks, guarded and validated, by hook name. */
  hooks: Record<string, (...args: never[]) => unknown>;
}

/**
 * The state shared by every copy of this module in a thread: the fuzz engine imports the models
 * from an instrumented mirror of the build, and the policies loaded by the CLI or a worker must
 * be the ones the mirror's models find.
 */
interface Shared {
  registry: Map<string, UserPolicy[]>;
  /** Hook descriptions by id - 1, in the order hooks were guarded (the same in every thread). */
  hookNames: string[];
  /** Where the guard writes the id of the hook running now (a campaign worker's heartbeat). */
  watch: Int32Array | null;
}
const SHARED = Symbol.for("dmafuzz.policies");
const shared: Shared =
  ((globalThis as Record<symbol, unknown>)[SHARED] as Shared | undefined) ??
  (((globalThis as Record<symbol, unknown>)[SHARED] = {
    registry: new Map(),
    hookNames: [],
    watch: null,
  } satisfies Shared) as Shared);

/** Brands a PolicyError across module copies (instanceof would not). */
const BRAND = Symbol.for("dmafuzz.PolicyError");

/** Whether `error` is a {@link PolicyError} (from any copy of this module). */
export function isPolicyError(error: unknown): error is PolicyError {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as Record<symbol, unknown>)[BRAND] === true
  );
}

/** What a hook of a user's policy did wrong: the finding kind `policy-error`. */
export class PolicyError extends Error {
  override name = "PolicyError";
  readonly [BRAND] = true;

  constructor(
    readonly policy: string,
    readonly file: string,
    readonly hook: string,
    readonly args: unknown,
    readonly reason: string,
    /** The user's stack trace (frames of the policy file), when the hook threw. */
    readonly userStack: string,
  ) {
    super(`policy ${policy} (${file}): hook ${hook} ${reason}`);
  }
}

/** Checks a hook's return value: the value the model uses, or a string saying what is wrong. */
export type HookValidator = (
  value: unknown,
  args?: unknown,
) => { ok: true; value: unknown } | string;

/** The hook context of one model instance: its clock and the policy's own random stream. */
export class PolicyRuntime implements HookContext {
  /** Set when a hook read the clock or drew a random number since the model last cleared it. */
  volatile = false;
  #rng: Rng | undefined;

  constructor(
    private readonly clock: VirtualClock,
    private readonly rngOf: () => Rng,
  ) {}

  get now(): number {
    this.volatile = true;
    return this.clock.now;
  }

  random(): number {
    this.volatile = true;
    this.#rng ??= this.rngOf();
    return this.#rng.float();
  }

  gfp(names: string): number {
    const mask = typeof names === "string" ? parseGfp(names) : "a gfp name must be a string";
    if (typeof mask === "string") throw new TypeError(mask);
    return mask;
  }

  gfpNames(mask: number): string {
    return formatGfp(mask);
  }
}

/**
 * Makes the guard write the id of each user hook into `view[0]` while it runs (0 otherwise), so
 * that the thread watching a worker can name a hook that never returns.
 */
export function watchHooks(view: Int32Array | null): void {
  shared.watch = view;
}

/** `policy (file): hook` for a hook id written by the guard, if known in this thread. */
export function hookDescription(
  id: number,
): { policy: string; file: string; hook: string } | undefined {
  const text = shared.hookNames[id - 1];
  if (text === undefined) return undefined;
  const [policy, file, hook] = JSON.parse(text) as [string, string, string];
  return { policy, file, hook };
}

/** A valid result. */
export const ok = (value: unknown) => ({ ok: true as const, value });

/** A boolean result. */
export const isBool: HookValidator = (v) =>
  typeof v === "boolean" ? ok(v) : `must return true or false, got ${show(v)}`;

/** A non-negative safe integer result, at most `max`. */
export function isCount(what: string, max = Number.MAX_SAFE_INTEGER): HookValidator {
  return (v) =>
    typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= max
      ? ok(v)
      : `must return ${what}: an integer in [0, ${max}], got ${show(v)}`;
}

/** A gfp mask: a number with only known bits, or names joined by `|`. */
export const isGfp: HookValidator = (v) => {
  if (typeof v === "string") {
    const mask = parseGfp(v);
    return typeof mask === "number" ? ok(mask) : `returned a bad gfp mask: ${mask}`;
  }
  if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v < 0x1000000) return ok(v);
  return `must return a gfp mask (a number or names like "GFP_KERNEL|__GFP_NORETRY"), got ${show(v)}`;
};

/** One of the strings in `choices`. */
export function isOneOf(choices: readonly string[]): HookValidator {
  return (v) =>
    typeof v === "string" && choices.includes(v)
      ? ok(v)
      : `must return one of ${choices.map((c) => `"${c}"`).join(", ")}, got ${show(v)}`;
}

/** A short, safe rendering of a value for a message. */
export function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v);
  if (typeof v === "function") return "a function";
  if (v === undefined) return "undefined";
  try {
    const text = JSON.stringify(v);
    return text.length > 80 ? `${text.slice(0, 80)}...` : text;
  } catch {
    return Object.prototype.toString.call(v);
  }
}

const forbidden = (what: string) => () => {
  throw new Error(`${what} is not allowed in a policy hook: use ctx.now and ctx.random()`);
};
const noDateNow = forbidden("Date.now()");
const noRandom = forbidden("Math.random()");
const noPerfNow = forbidden("performance.now()");

/**
 * Wraps a user's hook: while it runs, Date.now, Math.random and performance.now throw; what it
 * throws or returns invalid becomes a PolicyError; a valid result is returned as the model uses
 * it. The arguments are copied into the error only when there is one.
 */
export function guardHook(
  policy: { name: string; file: string },
  hook: string,
  fn: (...args: never[]) => unknown,
  validate: HookValidator,
): (...args: unknown[]) => unknown {
  const id = shared.hookNames.push(JSON.stringify([policy.name, policy.file, hook]));
  return (...args: unknown[]) => {
    const watch = shared.watch;
    if (watch !== null) watch[0] = id;
    const dateNow = Date.now;
    const random = Math.random;
    const perfNow = performance.now;
    Date.now = noDateNow;
    Math.random = noRandom;
    performance.now = noPerfNow;
    let value: unknown;
    try {
      value = (fn as (...a: unknown[]) => unknown)(...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : show(error);
      const stack = error instanceof Error ? userFrames(error.stack ?? "", policy.file) : "";
      throw new PolicyError(
        policy.name,
        policy.file,
        hook,
        plain(args[0]),
        `threw: ${message}`,
        stack,
      );
    } finally {
      Date.now = dateNow;
      Math.random = random;
      performance.now = perfNow;
      if (watch !== null) watch[0] = 0;
    }
    const checked = validate(value, args[0]);
    if (typeof checked === "string")
      throw new PolicyError(policy.name, policy.file, hook, plain(args[0]), checked, "");
    return checked.value;
  };
}

/** The stack lines of an error down to the last frame in the user's file. */
function userFrames(stack: string, file: string): string {
  const lines = stack.split("\n");
  let last = 0;
  lines.forEach((line, i) => {
    if (line.includes(file)) last = i;
  });
  return lines.slice(0, last + 1).join("\n");
}

/** A JSON-safe copy of a hook's arguments (getters read, functions dropped). */
function plain(args: unknown): unknown {
  if (typeof args !== "object" || args === null) return args;
  const out: Record<string, unknown> = {};
  let proto: object | null = args;
  while (proto !== null && proto !== Object.prototype) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key === "constructor" || key.startsWith("_") || key in out) continue;
      const value = (args as Record<string, unknown>)[key];
      if (typeof value !== "function") out[key] = value;
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return out;
}

const registry = shared.registry;

/**
 * Registers a loaded user policy for its model (in the thread that loaded it); a policy of the
 * same name replaces the earlier one.
 */
export function registerPolicy(policy: UserPolicy): void {
  const list = (registry.get(policy.model) ?? []).filter((p) => p.name !== policy.name);
  list.push(policy);
  registry.set(policy.model, list);
}

/** The user policies registered for `model`, in load order. */
export function userPolicies(model: string): readonly UserPolicy[] {
  return registry.get(model) ?? [];
}

/** The user policy of `model` called `name` (or `<model>@name`), if any. */
export function findUserPolicy(model: string, name: string): UserPolicy | undefined {
  const bare = name.startsWith(`${model}@`) ? name.slice(model.length + 1) : name;
  return registry.get(model)?.find((p) => p.name === bare);
}

/** Every registered user policy, in load order per model. */
export function allUserPolicies(): UserPolicy[] {
  return [...registry.values()].flat();
}

/** Forgets every registered policy (tests). */
export function clearPolicies(): void {
  registry.clear();
}
