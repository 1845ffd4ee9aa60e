/**
 * `dmafuzz list`: models, their variants and each variant's kernel reference; with --canaries,
 * the known bugs the fuzzers recognise and the variants where each must and must not fire.
 */
import type { KernelReference } from "../models/model.js";
import { policiesOfVariant, policyVariants } from "../models/policies.js";
import { CANARIES, type Canary } from "../oracles/canaries.js";
import type { AnyModelDefinition } from "../models/registry.js";
import { type CliContext, type CommandResult, printed } from "./command.js";
import { commandUsage } from "./help.js";
import { parseOptions } from "./parse-options.js";
import { UsageError } from "./usage-error.js";

/** Runs `dmafuzz list` with the arguments after the command name. */
export function listCommand(args: string[], context: CliContext): CommandResult {
  const { values, positionals } = parseOptions("list", args, {
    json: { type: "boolean" },
    canaries: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return printed([commandUsage.list ?? ""]);
  if (positionals.length > 0) throw new UsageError(`list: unexpected argument '${positionals[0]}'`);
  if (values.canaries) {
    return printed(
      values.json ? [JSON.stringify({ canaries: CANARIES })] : CANARIES.flatMap(canaryLines),
    );
  }
  if (values.json) return printed([JSON.stringify({ models: context.registry.map(modelJson) })]);
  return printed(context.registry.flatMap(modelLines));
}

function modelJson(def: AnyModelDefinition) {
  return {
    name: def.name,
    summary: def.summary,
    defaultVariant: def.defaultVariant,
    variants: def.variants.map((info) => ({
      name: info.name,
      default: info.name === def.defaultVariant,
      kernel: info.kernel,
    })),
    ...(policiesOf(def).length > 0 && {
      policies: policiesOf(def).map(({ name, file, base, description }) => ({
        name,
        file,
        base,
        description,
      })),
    }),
  };
}

function modelLines(def: AnyModelDefinition): string[] {
  const lines = [`${def.name}: ${def.summary}`];
  for (const info of def.variants) {
    const mark = info.name === def.defaultVariant ? " (default)" : "";
    lines.push(`  ${def.name}@${info.name}${mark}: ${kernelSource(info.kernel)}`);
    lines.push(`    ${info.kernel.differs}`);
  }
  for (const policy of policiesOf(def)) {
    lines.push(`  ${def.name}@${policy.name} (policy ${policy.file}, from ${policy.base})`);
    lines.push(`    ${policy.description}`);
  }
  return lines;
}

/** The loaded policy modules that add variants to `def` (`--policy`), by variant name. */
function policiesOf(def: AnyModelDefinition) {
  return policyVariants(def.name).flatMap((name) =>
    policiesOfVariant(def.name, name).map((p) => ({ ...p, name })),
  );
}

function kernelSource(kernel: KernelReference): string {
  const commits = kernel.commits?.length ? `, commits ${kernel.commits.join(", ")}` : "";
  return `${kernel.file} as of ${kernel.version}${commits}`;
}

function canaryLines(canary: Canary): string[] {
  return [
    `${canary.id} (${canary.model}, ${canary.kind}): ${canary.description}`,
    `  fires on: ${canary.firesOn.join(", ")}; never on: ${canary.silentOn.join(", ")}`,
    `  reference: ${canary.reference}`,
  ];
}
