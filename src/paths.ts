/** Locates the dmafuzz package on disk (from src/ in development, dist/src/ when built) and its data. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
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
 * The golden traces folder: $DMAFUZZ_GOLDEN when set and not empty, else ../shared/golden beside
 * the package (where CI and developers' checkouts have it).
 */
export function defaultGoldenDir(
  packageRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return env.DMAFUZZ_GOLDEN || join(packageRoot, "..", "shared", "golden");
}
