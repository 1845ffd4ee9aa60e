/**
 * The policy interface of every model: which hooks it has (with the validators of their
 * results) and which built-in variants a policy module may start from. Turns a user's module
 * into a registered {@link UserPolicy}, or says what is wrong with it.
 */
import { CMA_HOOKS } from "./cma/policy.js";
import { CMA_VARIANTS, findBuiltinCmaVariant } from "./cma/variants.js";
import { NONCONTIG_HOOKS } from "./noncontig/policy.js";
import { NONCONTIG_VARIANTS } from "./noncontig/variants.js";
import { PAGEALLOC_HOOKS } from "./pagealloc/policy.js";
import { PAGEALLOC_VARIANTS } from "./pagealloc/variants.js";
import {
  findUserPolicy,
  guardHook,
  type HookValidator,
  type PolicyModule,
  registerPolicy,
  type UserPolicy,
  userPolicies,
} from "./policy.js";

/** One model's policy interface. */
export interface PolicyInterface {
  model: string;
  hooks: Record<string, HookValidator>;
  /** The built-in variant called `name`, if there is one a policy may start from. */
  hasBase(name: string): boolean;
  /** The built-in variants, for messages. */
  baseNames: readonly string[];
}

/** Every model's policy interface, by model name. */
export const POLICY_INTERFACES: readonly PolicyInterface[] = [
  {
    model: "cma",
    hooks: CMA_HOOKS,
    hasBase: (name) => findBuiltinCmaVariant(name) !== undefined,
    baseNames: [...CMA_VARIANTS.map((v) => v.name), "retry-<n>x<ms>ms"],
  },
  {
    model: "pagealloc",
    hooks: PAGEALLOC_HOOKS,
    hasBase: (name) => PAGEALLOC_VARIANTS.some((v) => v.name === name),
    baseNames: PAGEALLOC_VARIANTS.map((v) => v.name),
  },
  {
    model: "noncontig",
    hooks: NONCONTIG_HOOKS,
    hasBase: (name) => NONCONTIG_VARIANTS.some((v) => v.name === name),
    baseNames: NONCONTIG_VARIANTS.map((v) => v.name),
  },
];

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Checks a module's exported policy and registers it with its hooks behind the guard. Returns
 * the registered policy, or the reason it cannot be used (bad input for the caller to report).
 */
export function registerPolicyModule(exported: unknown, file: string): UserPolicy | string {
  if (typeof exported !== "object" || exported === null)
    return "the module must export a policy object (export default { name, model, base, hooks })";
  const m = exported as Partial<PolicyModule>;
  if (typeof m.name !== "string" || !NAME.test(m.name))
    return `"name" must be a string of letters, digits, ".", "_" or "-" (got ${JSON.stringify(m.name)})`;
  const iface = POLICY_INTERFACES.find((i) => i.model === m.model);
  if (iface === undefined) {
    const known = POLICY_INTERFACES.map((i) => i.model).join(", ");
    return `"model" must be one of ${known} (got ${JSON.stringify(m.model)})`;
  }
  if (iface.hasBase(m.name)) return `"name" ${m.name} is a built-in ${iface.model} variant`;
  if (typeof m.base !== "string" || !iface.hasBase(m.base))
    return `"base" must name a built-in ${iface.model} variant: ${iface.baseNames.join(", ")} (got ${JSON.stringify(m.base)})`;
  if (typeof m.hooks !== "object" || m.hooks === null) return `"hooks" must be an object`;
  const known = Object.keys(iface.hooks);
  const hooks: UserPolicy["hooks"] = {};
  const policy = { name: m.name, file };
  for (const [hook, fn] of Object.entries(m.hooks)) {
    const validate = iface.hooks[hook];
    if (validate === undefined)
      return `unknown ${iface.model} hook "${hook}" (known: ${known.join(", ")})`;
    if (typeof fn !== "function") return `hook "${hook}" must be a function`;
    hooks[hook] = guardHook(policy, hook, fn as (...args: never[]) => unknown, validate);
  }
  const description =
    typeof m.description === "string"
      ? m.description
      : `${m.name}: ${m.base} with ${Object.keys(hooks).join(", ")}`;
  if (m.saturation !== undefined && !(Number.isSafeInteger(m.saturation) && m.saturation > 0))
    return `"saturation" must be a positive integer (got ${JSON.stringify(m.saturation)})`;
  const user: UserPolicy = {
    name: m.name,
    model: iface.model,
    base: m.base,
    description,
    file,
    hooks,
    ...(m.saturation !== undefined && { saturation: m.saturation }),
  };
  registerPolicy(user);
  return user;
}

/**
 * The user policies a variant of `model` runs: a policy of the model itself, or, for a model
 * built on the page allocator (`noncontig`'s `<alsa>@<pagealloc>`), a page allocator policy.
 */
export function policiesOfVariant(model: string, variant: string): UserPolicy[] {
  const own = findUserPolicy(model, variant);
  if (own !== undefined) return [own];
  if (model !== "noncontig") return [];
  const pa = findUserPolicy("pagealloc", variant.slice(variant.indexOf("@") + 1));
  return pa === undefined ? [] : [pa];
}

/**
 * The variant names the loaded user policies add to `model`: its own policies, and for
 * `noncontig` each page allocator policy under the upstream ALSA policy (`upstream@<name>`).
 */
export function policyVariants(model: string): string[] {
  const names = userPolicies(model).map((p) => p.name);
  if (model === "noncontig")
    names.push(...userPolicies("pagealloc").map((p) => `upstream@${p.name}`));
  return names;
}
