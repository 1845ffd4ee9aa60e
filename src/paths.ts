/** Locates the dmafuzz package on disk (from src/ in development, dist/src/ when built) and its data. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The package's root directory and version. */
export interface PackageInfo {
  root: string;
  version: string;
}

/**
 * Walks up from `startDir` to the directory whose package.json is named "dmafuzz". Throws when
 * there is none, which means an installation is broken.
 */
export function findPackage(startDir: string): PackageInfo {
  for (let dir = startDir; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const json = JSON.parse(readFileSync(manifest, "utf8")) as {
        name?: unknown;
        version?: unknown;
      };
      if (json.name === "dmafuzz") return { root: dir, version: String(json.version) };
    }
    if (dirname(dir) === dir) throw new Error(`no dmafuzz package.json above ${startDir}`);
  }
}

/** The package holding this module (src/paths.ts, or dist/src/paths.js when built). */
export function thisPackage(): PackageInfo {
  return findPackage(dirname(fileURLToPath(import.meta.url)));
}

/**
 * The compiled script `fileName` beside the module at `moduleUrl`, to start as a worker thread.
 * From dist/ that is the sibling file; under vitest the module is TypeScript, which a worker
 * thread cannot load, so it is the same folder's file in dist/ (vitest's global setup builds it).
 */
export function builtSibling(moduleUrl: string, fileName: string): string {
  const dir = dirname(fileURLToPath(moduleUrl));
  if (moduleUrl.endsWith(".js")) return join(dir, fileName);
  const root = findPackage(dir).root;
  return join(root, "dist", relative(root, dir), fileName);
}

/**
 * The golden traces folder: $DMAFUZZ_GOLDEN when set and not empty, else the package's own
 * golden/ (traces recorded from the real kernel code, committed with the repository).
 */
export function defaultGoldenDir(
  packageRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return env.DMAFUZZ_GOLDEN || join(packageRoot, "golden");
}
