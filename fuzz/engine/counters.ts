/**
 * Where instrumented code counts. istanbul-lib-instrument decides what is counted (statements,
 * functions and branch arms, as in any istanbul report); this module then rewrites each
 * `cov_<hash>().s[i]++` / `.f[i]++` / `.b[i][j]++` into an increment of one typed array shared
 * by every instrumented file of the thread (the registry), laid out so that the counters of a
 * function follow its entry counter. After an execution, the engine reads the counters of the
 * functions that ran and skips the rest: one test of the entry counter per function instead of
 * a scan of every counter (see {@link CounterScan}).
 */
import type { Instrumenter } from "istanbul-lib-instrument";
import { redundantStatements } from "./redundant-statements.js";

type FileCoverageData = ReturnType<Instrumenter["lastFileCoverage"]>;
type Range = FileCoverageData["statementMap"][string];

/** The global holding the registry; instrumented files create it when they load first. */
export const REGISTRY_VARIABLE = "__dmafuzz_counters__";

/** Counters one thread can hold (4 bytes each): far more than all the models have. */
export const REGISTRY_CAPACITY = 1 << 18;

/** One instrumented file's counters in the registry. */
export interface RegisteredFile {
  path: string;
  /** First counter of the file in the registry's buffer. */
  base: number;
  size: number;
  /** Counters `[0, always)` (file-relative) are read after every execution: module-level code. */
  always: number;
  /** File-relative (entry, start, end) per function: `[start, end)` holds its counters. */
  groups: number[];
}

/** The per-thread registry: one buffer of counters and the files that claimed parts of it. */
export interface CounterRegistry {
  buffer: Uint32Array;
  used: number;
  files: RegisteredFile[];
}

/** This thread's registry (created here when no instrumented file has loaded yet). */
export function counterRegistry(): CounterRegistry {
  const scope = globalThis as Record<string, unknown>;
  scope[REGISTRY_VARIABLE] ??= {
    buffer: new Uint32Array(REGISTRY_CAPACITY),
    used: 0,
    files: [],
  } satisfies CounterRegistry;
  return scope[REGISTRY_VARIABLE] as CounterRegistry;
}

/** The layout index of a statement counter that is not kept: its increment is removed. */
export const DROPPED = -2;

/**
 * Where each istanbul counter of a file lives in the file's part of the registry (by statement,
 * function and branch id and arm; {@link DROPPED} for statements that repeat another counter).
 */
export interface CounterLayout {
  size: number;
  always: number;
  groups: number[];
  statement: number[];
  fn: number[];
  branch: number[][];
}

function before(a: Range["start"], b: Range["start"]): boolean {
  return a.line < b.line || (a.line === b.line && a.column <= b.column);
}

function contains(outer: Range, inner: Range): boolean {
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}

/**
 * Assigns each counter to the innermost function whose body contains it, or to the module level
 * (read always); statements that repeat another counter are dropped (./redundant-statements.ts). Default-argument branches run before the body's entry counter, so they stay at
 * the module level too. Layout: module-level counters first, then per function its entry counter,
 * statements and branch arms.
 */
function layoutOf(coverage: FileCoverageData, dropped: boolean[]): CounterLayout {
  const fns = Object.values(coverage.fnMap).map((fn) => fn.loc);
  const owner = (loc: Range): number => {
    let best = -1;
    for (let f = 0; f < fns.length; f++) {
      const candidate = fns[f]!;
      if (!contains(candidate, loc)) continue;
      if (best < 0 || contains(fns[best]!, candidate)) best = f;
    }
    return best;
  };
  const statementOwner = Object.values(coverage.statementMap).map(owner);
  const branchOwner = Object.values(coverage.branchMap).map((b) =>
    b.type === "default-arg" ? -1 : owner(b.loc),
  );
  const branchArms = Object.values(coverage.branchMap).map((b) => b.locations.length);
  const layout: CounterLayout = {
    size: 0,
    always: 0,
    groups: [],
    statement: statementOwner.map(() => -1),
    fn: fns.map(() => -1),
    branch: branchArms.map((arms) => new Array<number>(arms).fill(-1)),
  };
  let next = 0;
  const place = (group: number): void => {
    statementOwner.forEach((o, s) => {
      if (o === group) layout.statement[s] = dropped[s] ? DROPPED : next++;
    });
    branchOwner.forEach((o, b) => {
      if (o !== group) return;
      for (let arm = 0; arm < branchArms[b]!; arm++) layout.branch[b]![arm] = next++;
    });
  };
  place(-1);
  layout.always = next;
  for (let f = 0; f < fns.length; f++) {
    const start = next;
    layout.fn[f] = next++;
    place(f);
    layout.groups.push(start, start, next);
  }
  layout.size = next;
  return layout;
}

/** The name of istanbul's coverage function in its output `code`. */
function coverageFunction(code: string, path: string): string {
  const header = /^function (cov_[A-Za-z0-9_$]+)\(\)/.exec(code);
  if (header === null) throw new Error(`${path}: no istanbul coverage function in the output`);
  return header[1]!;
}

/** The layout {@link rewriteCounters} gives istanbul's output `code` for `source`. */
export function counterLayout(
  code: string,
  coverage: FileCoverageData,
  source: string,
  path: string,
): CounterLayout {
  const cov = coverageFunction(code, path);
  const dropped = redundantStatements(coverage, source);
  // A statement counted first thing in a block that starts with a function-entry or branch-arm
  // increment runs exactly as often: istanbul wraps every arm and body in such a block.
  const afterEntry = new RegExp(
    `\\{${cov}\\(\\)\\.(?:f\\[\\d+\\]|b\\[\\d+\\]\\[\\d+\\])\\+\\+;${cov}\\(\\)\\.s\\[(\\d+)\\]\\+\\+;`,
    "g",
  );
  for (const match of code.matchAll(afterEntry)) dropped[Number(match[1])] = true;
  return layoutOf(coverage, dropped);
}

/**
 * Rewrites istanbul's output for `path` (`coverage` is its lastFileCoverage(), `source` the code
 * it instrumented) so that every counter increment goes to the file's part of the thread's
 * registry. Throws when a counter reference is left that this rewrite does not know (a new
 * istanbul output format).
 */
export function rewriteCounters(
  code: string,
  coverage: FileCoverageData,
  path: string,
  source: string,
): string {
  const cov = coverageFunction(code, path);
  const counters = `__dmafuzz_c_${cov.slice(4)}`;
  const layout = counterLayout(code, coverage, source, path);
  const increment = new RegExp(`${cov}\\(\\)\\.([sfb])\\[(\\d+)\\](?:\\[(\\d+)\\])?\\+\\+`, "g");
  const rewritten = code.replace(increment, (match, kind: string, i: string, arm?: string) => {
    const index =
      kind === "s"
        ? layout.statement[Number(i)]
        : kind === "f"
          ? layout.fn[Number(i)]
          : arm === undefined
            ? undefined
            : layout.branch[Number(i)]?.[Number(arm)];
    if (index === DROPPED) return "0"; // a statement or a comma operand: both stay valid
    if (index === undefined || index < 0) throw new Error(`${path}: unknown counter ${match}`);
    return `${counters}()[${index}]++`;
  });
  if (new RegExp(`${cov}\\(\\)\\.`).test(rewritten)) {
    throw new Error(`${path}: istanbul counter references left after the rewrite`);
  }
  const file = JSON.stringify({
    path,
    size: layout.size,
    always: layout.always,
    groups: layout.groups,
  });
  // A hoisted function, as istanbul's own: code that runs before the module body (an import
  // cycle) still finds its counters. The first call claims the file's part of the registry; the
  // module body makes that call at the latest, so a loaded file is always registered.
  const claim =
    `function ${counters}(){var g=globalThis,r=g.${REGISTRY_VARIABLE}||(g.${REGISTRY_VARIABLE}=` +
    `{buffer:new Uint32Array(${REGISTRY_CAPACITY}),used:0,files:[]}),f=${file},b=r.used;` +
    `if(b+f.size>r.buffer.length)throw new RangeError("dmafuzz: coverage counter space full");` +
    `r.used=b+f.size;f.base=b;r.files.push(f);var v=r.buffer.subarray(b,b+f.size);` +
    `${counters}=function(){return v};return v}`;
  return `${rewritten}\n${claim}\n${counters}();\n`;
}

/**
 * The scan plan over a registry: module-level ranges read always, functions read when their
 * entry counter is non-zero. Rebuilt when more files have claimed counters.
 */
export class CounterScan {
  /** (start, end) pairs, registry-absolute. */
  always = new Int32Array(0);
  /** (entry, start, end) triples, registry-absolute. */
  groups = new Int32Array(0);
  #files = -1;

  constructor(readonly registry: CounterRegistry) {}

  /** Brings the plan up to date with the registry; cheap when nothing changed. */
  update(): void {
    const files = this.registry.files;
    if (files.length === this.#files) return;
    this.#files = files.length;
    const always: number[] = [];
    const groups: number[] = [];
    for (const file of files) {
      if (file.always > 0) always.push(file.base, file.base + file.always);
      for (const local of file.groups) groups.push(file.base + local);
    }
    this.always = Int32Array.from(always);
    this.groups = Int32Array.from(groups);
  }
}
