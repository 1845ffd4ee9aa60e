/**
 * Loads a fuzz target through the instrumented mirror of the built package: the mirror is
 * refreshed from dist/ (only changed files are instrumented again), then the target module is
 * imported from it, so the model code it runs counts coverage.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { thisPackage } from "../../src/paths.js";
import { type MirrorReport, prepareInstrumentedTree } from "./coverage.js";
import type { FuzzTarget } from "./target.js";

/** The target name of the engine's self-test allocator. */
export const SELFTEST_TARGET = "toy";

/** The files whose coverage guides fuzzing: the models, and the self-test allocator. */
export function shouldInstrument(relPath: string): boolean {
  return relPath.startsWith("src/models/") || relPath.startsWith("fuzz/selftest/");
}

/** Where a target's compiled module lives, relative to dist/ (and to the mirror). */
export function targetModulePath(name: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new RangeError(`invalid target name '${name}'`);
  return name === SELFTEST_TARGET ? "fuzz/selftest/toy.fuzz.js" : `fuzz/targets/${name}.fuzz.js`;
}

/** Names of the targets built in `distRoot`, sorted (the self-test target included). */
export function availableTargets(distRoot: string): string[] {
  const dir = join(distRoot, "fuzz", "targets");
  const names = existsSync(dir)
    ? readdirSync(dir)
        .filter((file) => file.endsWith(".fuzz.js"))
        .map((file) => file.slice(0, -".fuzz.js".length))
    : [];
  return [...names, SELFTEST_TARGET].sort();
}

/** Where the package and its mirror are; defaults suit an installed or built package. */
export interface LoadTargetOptions {
  /** The package root (default: the package holding this module). */
  packageRoot?: string;
  /** The instrumented mirror (default: `<root>/dist/.instrumented`). */
  mirrorRoot?: string;
  /** The module to import, relative to dist/ (default: `targetModulePath(name)`): a test-only target. */
  modulePath?: string;
  /**
   * Whether to refresh the mirror first (default true). Campaign workers pass false: their main
   * thread refreshed it, and N threads re-hashing the tree at once would only slow the start.
   */
  refresh?: boolean;
}

/** A loaded target and what the mirror refresh did. */
export interface LoadedTarget {
  target: FuzzTarget;
  /** Absolute path of the imported (instrumented) module. */
  modulePath: string;
  mirror: MirrorReport;
}

/**
 * Refreshes the instrumented mirror from `<root>/dist` and imports target `name` from it, reading
 * its `target` export. Throws when the target is not built or does not export a FuzzTarget.
 */
export async function loadTarget(
  name: string,
  options: LoadTargetOptions = {},
): Promise<LoadedTarget> {
  const relPath = options.modulePath ?? targetModulePath(name);
  const { module, modulePath, mirror } = await loadInstrumented(relPath, options, name);
  const target = (module as { target?: FuzzTarget }).target;
  if (target === undefined || typeof target.run !== "function") {
    throw new Error(`${modulePath} does not export a fuzz target as 'target'`);
  }
  return { target, modulePath, mirror };
}

/**
 * Refreshes the instrumented mirror (unless `refresh` is false) and imports the module at
 * `relPath` (relative to dist/) from it, so the model code it runs counts coverage. `name` names
 * the target in the error for a module that is not built.
 */
export async function loadInstrumented(
  relPath: string,
  options: Omit<LoadTargetOptions, "modulePath"> = {},
  name = relPath,
): Promise<{ module: unknown; modulePath: string; mirror: MirrorReport }> {
  const root = options.packageRoot ?? thisPackage().root;
  const distRoot = join(root, "dist");
  const mirrorRoot = options.mirrorRoot ?? join(distRoot, ".instrumented");
  if (!existsSync(join(distRoot, ...relPath.split("/")))) {
    const known = availableTargets(distRoot).join(", ");
    throw new Error(`no built fuzz target '${name}' in ${distRoot} (built: ${known})`);
  }
  const mirror =
    options.refresh === false
      ? { instrumented: 0, copied: 0, unchanged: 0, removed: 0 }
      : prepareInstrumentedTree(distRoot, mirrorRoot, shouldInstrument);
  const modulePath = join(mirrorRoot, ...relPath.split("/"));
  const module: unknown = await import(pathToFileURL(modulePath).href);
  return { module, modulePath, mirror };
}
