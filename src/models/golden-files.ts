/** Finds the golden trace files of the golden sets across several golden directories. */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { GoldenSet } from "./golden-sets.js";

/** One golden trace file and the model variant it replays on. */
export interface GoldenFile {
  model: string;
  variant: string;
  /** Path relative to its golden directory, with `/` separators, e.g. `iova/random-01.pre.jsonl`. */
  file: string;
  /** The golden directory it was found in. */
  root: string;
  /** Absolute path of the file. */
  path: string;
}

/** The files found, and the sets whose folder no golden directory has. */
export interface GoldenListing {
  files: GoldenFile[];
  /** Sets with no folder in any of the directories. */
  absent: GoldenSet[];
}

/**
 * Lists, set by set, every file of every directory in `roots` whose name ends in one of its set's
 * suffixes. A file whose relative path an earlier root already has is listed once, from the
 * earlier root (a held-out copy of a committed trace is not replayed twice). Files of one set
 * are sorted by name.
 */
export function listGoldenFiles(
  roots: readonly string[],
  sets: readonly GoldenSet[],
): GoldenListing {
  const files: GoldenFile[] = [];
  const absent: GoldenSet[] = [];
  const seen = new Set<string>();
  for (const set of sets) {
    const found: GoldenFile[] = [];
    let hasFolder = false;
    for (const root of roots) {
      const dir = join(root, set.dir);
      if (!(statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false)) continue;
      hasFolder = true;
      for (const name of readdirSync(dir)) {
        const variant = set.files.find((entry) => name.endsWith(entry.suffix))?.variant;
        const file = `${set.dir}/${name}`;
        if (variant === undefined || seen.has(file)) continue;
        seen.add(file);
        found.push({ model: set.model, variant, file, root, path: join(dir, name) });
      }
    }
    if (!hasFolder) absent.push(set);
    files.push(...found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)));
  }
  return { files, absent };
}
