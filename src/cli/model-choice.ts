/** Resolves `--model` and `--variant` against the registry, as usage errors when unknown. */
import { policyVariants } from "../models/policies.js";
import type { AnyModelDefinition } from "../models/registry.js";
import { UsageError } from "./usage-error.js";

/** The model family `name` from `registry`; throws a UsageError listing the known names. */
export function requireModel(
  registry: readonly AnyModelDefinition[],
  name: string,
): AnyModelDefinition {
  const def = registry.find((model) => model.name === name);
  if (def === undefined) {
    const known = registry.map((model) => model.name).join(", ");
    throw new UsageError(`unknown model '${name}' (known: ${known})`);
  }
  return def;
}

/**
 * `variant` if `def` declares it or a loaded policy module adds it, else `def`'s default when
 * absent (the first policy module's variant when one was loaded for the model); throws a
 * UsageError.
 */
export function requireVariant(def: AnyModelDefinition, variant: string | undefined): string {
  const policies = policyVariants(def.name);
  if (variant === undefined) return policies[0] ?? def.defaultVariant;
  if (!def.variants.some((info) => info.name === variant) && !policies.includes(variant)) {
    const known = [...def.variants.map((info) => info.name), ...policies].join(", ");
    throw new UsageError(`unknown variant '${variant}' of model '${def.name}' (known: ${known})`);
  }
  return variant;
}
