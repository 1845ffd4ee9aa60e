/**
 * Code-coverage feedback through istanbul-lib-instrument. The built dist tree is mirrored into a
 * directory inside the package (so node_modules and package.json "type": "module" still resolve),
 * with the model files instrumented; after each execution the hit counters are read, bucketed as
 * libFuzzer does, turned into features and zeroed.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { createInstrumenter } from "istanbul-lib-instrument";
import { writeFileAtomic } from "../../src/sim/atomic-write.js";

/** The global that instrumented code counts into (one object per file, keyed by its path). */
export const COVERAGE_VARIABLE = "__dmafuzz_cov__";

/** Bump when the instrumentation settings change, so stale mirrors are rebuilt. */
const MIRROR_FORMAT = `1:${COVERAGE_VARIABLE}:esm:compact`;
const MANIFEST = ".manifest.json";

interface Manifest {
  format: string;
  /** Relative path -> hash of the source and whether it was instrumented. */
  files: Record<string, string>;
}

/** What {@link prepareInstrumentedTree} did. */
export interface MirrorReport {
  instrumented: number;
  copied: number;
  unchanged: number;
  removed: number;
}

/**
 * Mirrors `distRoot` into `mirrorRoot`, instrumenting the `.js` files for which
 * `shouldInstrument(relPath)` holds (relPath uses `/`, e.g. `src/models/iova/tree.js`) and copying
 * the rest. Files whose source is unchanged since the last call are skipped (content hash in a
 * manifest); files gone from dist are removed. `mirrorRoot` itself is skipped when inside
 * `distRoot`. Every file is written atomically, so a concurrent reader sees old or new content.
 */
export function prepareInstrumentedTree(
  distRoot: string,
  mirrorRoot: string,
  shouldInstrument: (relPath: string) => boolean,
): MirrorReport {
  const manifestPath = join(mirrorRoot, MANIFEST);
  const previous = readManifest(manifestPath);
  const next: Manifest = { format: MIRROR_FORMAT, files: {} };
  const report: MirrorReport = { instrumented: 0, copied: 0, unchanged: 0, removed: 0 };
  const instrumenter = createInstrumenter({
    esModules: true,
    coverageVariable: COVERAGE_VARIABLE,
    compact: true,
    produceSourceMap: false,
  });
  for (const relPath of listFiles(distRoot, mirrorRoot)) {
    const source = readFileSync(join(distRoot, ...relPath.split("/")));
    const instrument = relPath.endsWith(".js") && shouldInstrument(relPath);
    const key = `${instrument ? "i" : "c"}:${createHash("sha1").update(source).digest("hex")}`;
    next.files[relPath] = key;
    const target = join(mirrorRoot, ...relPath.split("/"));
    if (previous?.files[relPath] === key && existsSync(target)) {
      report.unchanged++;
      continue;
    }
    if (instrument) {
      // Keys are package-relative, so counters keep their identity across mirrors and machines.
      writeFileAtomic(target, instrumenter.instrumentSync(source.toString("utf8"), relPath));
      report.instrumented++;
    } else {
      writeFileAtomic(target, source);
      report.copied++;
    }
  }
  for (const relPath of Object.keys(previous?.files ?? {})) {
    if (next.files[relPath] !== undefined) continue;
    rmSync(join(mirrorRoot, ...relPath.split("/")), { force: true });
    report.removed++;
  }
  writeFileAtomic(manifestPath, `${JSON.stringify(next)}\n`);
  return report;
}

function readManifest(path: string): Manifest | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path, "utf8")) as Manifest;
    return manifest.format === MIRROR_FORMAT ? manifest : undefined;
  } catch {
    return undefined; // no mirror yet, or a damaged one: rebuild everything
  }
}

/** Files under `root` as `/`-separated relative paths, skipping `exclude` and dot-files. */
function listFiles(root: string, exclude: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (path !== exclude) walk(path);
      } else if (entry.isFile()) {
        files.push(relative(root, path).split(sep).join("/"));
      }
    }
  };
  walk(root);
  return files.sort();
}

/** One file's counters as istanbul lays them out: statement counts and per-branch arrays. */
interface FileCoverage {
  s: Record<string, number> | Uint32Array;
  b: Record<string, number[] | Uint32Array>;
}

/** All adopted counters of one coverage variable in this thread, in one flat array. */
interface CounterTable {
  counters: Uint32Array;
  files: Set<string>;
}

const tables = new Map<string, CounterTable>();

/**
 * Moves every file's counters that is not yet adopted into one flat Uint32Array, replacing the
 * file's `s` and `b[k]` with views into it. Instrumented code increments `cov().s[i]` and
 * `cov().b[k][j]` on the same objects, so it now counts into typed memory that one loop reads and
 * one fill() zeroes. Returns the table for `variable`.
 */
function adoptCounters(variable: string): CounterTable {
  const table = tables.get(variable) ?? { counters: new Uint32Array(0), files: new Set() };
  tables.set(variable, table);
  const scope = (globalThis as Record<string, unknown>)[variable] as
    Record<string, FileCoverage> | undefined;
  const fresh = Object.entries(scope ?? {}).filter(([path]) => !table.files.has(path));
  if (fresh.length === 0) return table;
  let total = table.counters.length;
  for (const [, file] of fresh) {
    total += Object.keys(file.s).length;
    for (const branch of Object.values(file.b)) total += branch.length;
  }
  const counters = new Uint32Array(total);
  counters.set(table.counters);
  // Re-point the views of files adopted earlier at the new array.
  let offset = 0;
  const place = (file: FileCoverage): void => {
    const statements = Object.keys(file.s).length;
    file.s = counters.subarray(offset, offset + statements);
    offset += statements;
    for (const key of Object.keys(file.b)) {
      const length = (file.b[key] as ArrayLike<number>).length;
      file.b[key] = counters.subarray(offset, offset + length);
      offset += length;
    }
  };
  for (const path of [...table.files].sort()) place((scope as Record<string, FileCoverage>)[path]!);
  for (const [path, file] of fresh.sort(([a], [b]) => (a < b ? -1 : 1))) {
    place(file);
    table.files.add(path);
  }
  table.counters = counters;
  return table;
}

/** libFuzzer's hit-count bucket (0..7) of a non-zero count: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+. */
export function hitBucket(count: number): number {
  if (count <= 3) return count - 1;
  if (count < 8) return 3;
  if (count < 16) return 4;
  if (count < 32) return 5;
  if (count < 128) return 6;
  return 7;
}

/**
 * Reads the statement and branch counters of every instrumented file loaded in this thread. Create
 * it after the target module is imported (or call {@link refresh} after loading more code).
 */
export class CoverageFeedback {
  #table: CounterTable;

  constructor(readonly variable: string = COVERAGE_VARIABLE) {
    this.#table = adoptCounters(variable);
  }

  /** Adopts the counters of files loaded since construction. */
  refresh(): void {
    this.#table = adoptCounters(this.variable);
  }

  /** Number of counters (statements plus branch arms) watched. */
  get counterCount(): number {
    return this.#table.counters.length;
  }

  /**
   * Writes one feature `counterIndex * 8 + bucket` per non-zero counter into `out` (at most
   * `out.length`), zeroes all counters, and returns the number of features written.
   */
  collect(out: Uint32Array): number {
    const counters = this.#table.counters;
    let n = 0;
    for (let i = 0; i < counters.length; i++) {
      const count = counters[i]!;
      if (count === 0) continue;
      if (n < out.length) out[n++] = i * 8 + hitBucket(count);
    }
    counters.fill(0);
    return n;
  }

  /** Zeroes all counters (e.g. after replays made outside the measured executions). */
  reset(): void {
    this.#table.counters.fill(0);
  }
}
