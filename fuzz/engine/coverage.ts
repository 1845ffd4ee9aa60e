/**
 * Code-coverage feedback through istanbul-lib-instrument. The built dist tree is mirrored into a
 * directory inside the package (so node_modules and package.json "type": "module" still resolve),
 * with the model files instrumented and their counters moved into one typed array per thread
 * (./counters.ts); after each execution the hit counters are read, bucketed as libFuzzer does,
 * turned into features and zeroed.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { createInstrumenter } from "istanbul-lib-instrument";
import { writeFileAtomic } from "../../src/sim/atomic-write.js";
import { CounterScan, counterRegistry, rewriteCounters } from "./counters.js";

/** istanbul's coverage variable: it still holds each file's maps; the counts go to the registry. */
export const COVERAGE_VARIABLE = "__dmafuzz_cov__";

/** Bump when the instrumentation settings change, so stale mirrors are rebuilt. */
const MIRROR_FORMAT = `6:${COVERAGE_VARIABLE}:esm:compact:registry`;
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
      const text = source.toString("utf8");
      const code = instrumenter.instrumentSync(text, relPath);
      writeFileAtomic(
        target,
        rewriteCounters(code, instrumenter.lastFileCoverage(), relPath, text),
      );
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

/** libFuzzer's hit-count bucket (0..7) of a non-zero count: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+. */
export function hitBucket(count: number): number {
  if (count <= 3) return count - 1;
  if (count < 8) return 3;
  if (count < 16) return 4;
  if (count < 32) return 5;
  if (count < 128) return 6;
  return 7;
}

/** Executions between two full sweeps of the registry (see {@link CoverageFeedback.strays}). */
const SWEEP_EVERY = 1024;

/** hitBucket of counts 1..127, for the scan loop (index 0 unused). */
const BUCKETS = Uint8Array.from({ length: 128 }, (_, count) =>
  count === 0 ? 0 : hitBucket(count),
);

/**
 * Reads the counters of every instrumented file loaded in this thread (statements, functions and
 * branch arms). Files that load later are picked up at the next collect.
 */
export class CoverageFeedback {
  readonly #registry = counterRegistry();
  readonly #scan = new CounterScan(this.#registry);
  #collects = 0;
  #strays = 0;

  /** Number of counters watched. */
  get counterCount(): number {
    return this.#registry.used;
  }

  /**
   * Counters found non-zero by the periodic full sweep after the per-function scan had zeroed
   * what it reads: code counted outside the function that owns it. Zero for well-formed targets
   * (a test checks); the sweep clears them so they cannot leak into later executions.
   */
  get strays(): number {
    return this.#strays;
  }

  /**
   * Writes one feature `counterIndex * 8 + bucket` per non-zero counter into `out` (at most
   * `out.length`), zeroes those counters, and returns the number of features written. Only the
   * module-level counters and those of functions whose entry counter is set are read.
   */
  collect(out: Uint32Array): number {
    const scan = this.#scan;
    scan.update();
    const counters = this.#registry.buffer;
    const always = scan.always;
    const groups = scan.groups;
    const room = out.length;
    let n = 0;
    for (let r = 0; r < always.length; r += 2) {
      for (let i = always[r]!, end = always[r + 1]!; i < end; i++) {
        const count = counters[i]!;
        if (count === 0) continue;
        counters[i] = 0;
        if (n < room) out[n++] = (i << 3) | (count < 128 ? BUCKETS[count]! : 7);
      }
    }
    for (let g = 0; g < groups.length; g += 3) {
      if (counters[groups[g]!] === 0) continue;
      for (let i = groups[g + 1]!, end = groups[g + 2]!; i < end; i++) {
        const count = counters[i]!;
        if (count === 0) continue;
        counters[i] = 0;
        if (n < room) out[n++] = (i << 3) | (count < 128 ? BUCKETS[count]! : 7);
      }
    }
    if (++this.#collects % SWEEP_EVERY === 0) this.#sweep();
    return n;
  }

  /** Zeroes all counters (e.g. after replays made outside the measured executions). */
  reset(): void {
    this.#registry.buffer.fill(0, 0, this.#registry.used);
  }

  #sweep(): void {
    const counters = this.#registry.buffer;
    for (let i = 0, used = this.#registry.used; i < used; i++) {
      if (counters[i] === 0) continue;
      counters[i] = 0;
      this.#strays++;
    }
  }
}
