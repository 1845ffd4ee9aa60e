/** Locates the dmafuzz package on disk (from src/ in development, dist/src/ when built) and its data. */
import { existsSync, readFileSync, statSync } from "node:fs";
import { delimiter, dirname, join, relative, resolve } from "node:path";
import { createRequire } from "node:module";
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
 * The script behind the command `bin` of the dependency `name` (e.g. jsfuzz's `jsfuzz`), found the
 * way Node finds an import from this package: in a checkout's node_modules and in an installed
 * package whose dependencies npm hoisted beside it alike. Run it as `node SCRIPT ...`.
 */
export function dependencyBin(name: string, bin: string = name): string {
  const manifest = createRequire(import.meta.url).resolve(`${name}/package.json`);
  const json = JSON.parse(readFileSync(manifest, "utf8")) as {
    bin?: string | Record<string, string>;
  };
  const script = typeof json.bin === "string" ? json.bin : json.bin?.[bin];
  if (script === undefined) throw new Error(`package ${name} has no command ${bin}`);
  return join(dirname(manifest), script);
}

/** The package's own golden traces folder, `<package>/golden` (committed and shipped with it). */
export function packageGoldenDir(packageRoot: string): string {
  return join(packageRoot, "golden");
}

/**
 * Every golden traces folder to replay, first one first: the package's golden/, then
 * `../shared/golden` beside the package when it exists (where CI puts held-out traces), then each
 * directory of $DMAFUZZ_GOLDEN (a list separated by the platform's path delimiter), then `extra`
 * (the `--golden` options). Paths are absolute and each appears once.
 */
export function goldenDirs(
  packageRoot: string,
  env: NodeJS.ProcessEnv = process.env,
  extra: readonly string[] = [],
): string[] {
  const shared = resolve(packageRoot, "..", "shared", "golden");
  const fromEnv = (env.DMAFUZZ_GOLDEN ?? "").split(delimiter).filter((dir) => dir !== "");
  const dirs = [
    packageGoldenDir(packageRoot),
    ...(isDirectory(shared) ? [shared] : []),
    ...fromEnv,
    ...extra,
  ];
  return [...new Set(dirs.map((dir) => resolve(dir)))];
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
