/** Locates the dmafuzz package on disk (from src/cli in development, dist/src/cli when built). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

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
