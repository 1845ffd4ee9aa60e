/**
 * The in-process coverage-guided fuzzing loop: pick a corpus input, mutate it, run it on the
 * target, read code-coverage and model-state features, keep the input when it reached something
 * new, and report each new finding signature once. Everything stays in this thread: no
 * per-execution IPC. Real time is read here (for limits and exec/s); the target never sees it.
 */
import { type Finding, findingSignature } from "../../src/oracles/finding.js";
import { Rng } from "../../src/sim/rng.js";
import { Corpus } from "./corpus.js";
import { CoverageFeedback } from "./coverage.js";
import { crashFinding } from "./crash.js";
import { FastRng } from "./fast-rng.js";
import { FeatureMap, StateBuffer } from "./features.js";
import { Frontier } from "./frontier.js";
import { Mutator } from "./mutate.js";
import type { FuzzTarget, TargetRun } from "./target.js";

/**
 * Which features decide whether an input is kept: code and state (`full`), one of them, or none
 * (`none`: blind generation, every input drawn at random and nothing kept). All modes measure
 * both kinds for the statistics.
 */
export type FeedbackMode = "full" | "code" | "state" | "none";

/** A finding reported for the first time by this engine. */
export interface FindingEvent {
  finding: Finding;
  signature: string;
  input: Uint8Array;
  trace: readonly Record<string, unknown>[];
  /** Executions of this engine up to and including the finding's. */
  execs: number;
  elapsedMs: number;
}

/** An input kept in the corpus. */
export interface NewInputEvent {
  input: Uint8Array;
  /** SHA-1 hex of the input (its corpus file name). */
  name: string;
  newFeatures: number;
  stats: EngineStats;
}

/** Counters of an engine since its creation. */
export interface EngineStats {
  execs: number;
  elapsedMs: number;
  execPerSec: number;
  corpusSize: number;
  /** Distinct code features (libFuzzer's `cov:`). */
  codeFeatures: number;
  /** Distinct code and state features (libFuzzer's `ft:`). */
  allFeatures: number;
  /** Bytes of all executed inputs (inputs are cut to the maximum length). */
  inputBytes: number;
  /** Executions that produced each finding signature. */
  findings: Record<string, number>;
  /** When each signature was first found, in executions and milliseconds. */
  timeToFirst: Record<string, { execs: number; ms: number }>;
}

/** Options of {@link FuzzEngine}. */
export interface FuzzEngineOptions {
  target: FuzzTarget;
  /** Variant under test (default: the target's default variant). */
  variant?: string;
  seed: number;
  feedback: FeedbackMode;
  /** Longest input generated (default 1024 bytes). */
  maxInputBytes?: number;
  /** Code-coverage source (default: a CoverageFeedback over the counters loaded in this thread). */
  coverage?: CoverageFeedback;
  /** Signatures already found elsewhere (e.g. a resumed campaign): never reported again. */
  knownSignatures?: Iterable<string>;
  onNew?: (event: NewInputEvent) => void;
  onFinding?: (event: FindingEvent) => void;
  onStatus?: (stats: EngineStats) => void;
  /** Milliseconds between onStatus calls (default 1000). */
  statusIntervalMs?: number;
}

/** Limits of one {@link FuzzEngine.runFor} call; it stops at the first one reached. */
export interface RunLimits {
  maxRuns?: number;
  maxTimeMs?: number;
  /** Polled after every execution, e.g. to stop on a signal. */
  shouldStop?: () => boolean;
}

/**
 * Executions between two recomputations of the corpus weights: at least this many, and 16 per
 * corpus entry, so the cost of a recomputation (which grows with the corpus) stays a small,
 * constant share of each execution.
 */
const REWEIGHT_EVERY = 1024;
const REWEIGHT_PER_ENTRY = 16;

/** The distinct values among the first `count` of `ids`. */
function distinct(ids: Uint32Array, count: number): Uint32Array {
  return Uint32Array.from(new Set(ids.subarray(0, count)));
}

/** Op records (header included) that generated inputs may hold at first. */
const INITIAL_RECORDS = 8;
/**
 * One execution in this many is a fresh random input over the whole length range, even with
 * feedback: allocator bugs need long sequences of state changes that length control reaches
 * only slowly, and a fresh input that finds new features enters the corpus like any other.
 */
const EXPLORE_EVERY = 16;
/**
 * With state feedback, one mutant in this many grows from the holder of a progress measure's
 * maximum (./frontier.ts), past the length limit: deep states need long inputs that get there
 * step by step.
 */
const FRONTIER_EVERY = 3;
/** Op records a frontier mutant may add past its holder's length. */
const FRONTIER_GROWTH = 8;

/** A coverage-guided fuzzer of one target variant. */
export class FuzzEngine {
  readonly target: FuzzTarget;
  readonly variant: string;
  readonly feedback: FeedbackMode;
  readonly corpus: Corpus;
  readonly features = new FeatureMap();
  readonly #mutator: Mutator;
  readonly #coverage: CoverageFeedback;
  readonly #codeIds: Uint32Array;
  readonly #state = new StateBuffer();
  readonly #frontier: Frontier;
  readonly #frontierRng: FastRng;
  readonly #seeds: Uint8Array[] = [];
  /** Index of the next seed to run in #seeds. */
  #nextSeed = 0;
  readonly #known: Set<string>;
  readonly #findings = new Map<string, number>();
  readonly #firsts = new Map<string, { execs: number; ms: number }>();
  readonly #options: FuzzEngineOptions;
  #execs = 0;
  #inputBytes = 0;
  /** Execution count at which the corpus weights are next recomputed. */
  #nextReweight = REWEIGHT_EVERY;
  /** Length limit of generated inputs: starts short and grows while nothing new is found. */
  #lengthLimit: number;
  /** Execution count at the last new corpus entry or length increase. */
  #lastProgress = 0;
  #elapsedBefore = 0;
  /** performance.now() when the current runFor began, or undefined outside runFor. */
  #runStart: number | undefined;

  constructor(options: FuzzEngineOptions) {
    const { target } = options;
    this.target = target;
    this.variant = options.variant ?? target.defaultVariant;
    if (!target.variants.includes(this.variant)) {
      throw new RangeError(`${target.name}: unknown variant '${this.variant}'`);
    }
    this.feedback = options.feedback;
    this.#options = options;
    const rng = Rng.seeded(options.seed);
    this.corpus = new Corpus(rng.split("corpus"));
    this.#frontier = new Frontier(target.stateFeatures);
    this.#frontierRng = new FastRng(rng.split("frontier"));
    this.#mutator = new Mutator(rng.split("mutate"), {
      opBytes: target.opBytes,
      maxLength: options.maxInputBytes ?? 1024,
    });
    this.#lengthLimit = Math.min(this.#mutator.config.maxLength, INITIAL_RECORDS * target.opBytes);
    this.#coverage = options.coverage ?? new CoverageFeedback();
    this.#coverage.reset();
    this.#codeIds = new Uint32Array(Math.max(1024, this.#coverage.counterCount));
    this.#known = new Set(options.knownSignatures ?? []);
  }

  /** Queues an input (copied) to run before any generated one, e.g. from a corpus directory. */
  addSeed(input: Uint8Array): void {
    this.#seeds.push(input.slice());
  }

  /** Fuzzes until a limit is reached; returns the cumulative stats. */
  runFor(limits: RunLimits): EngineStats {
    const maxRuns = limits.maxRuns ?? Infinity;
    const maxTimeMs = limits.maxTimeMs ?? Infinity;
    const interval = this.#options.statusIntervalMs ?? 1000;
    const start = performance.now();
    this.#runStart = start;
    let nextStatus = start + interval;
    try {
      for (let runs = 0; runs < maxRuns; runs++) {
        this.execute(this.#nextInput());
        const now = performance.now();
        if (now - start >= maxTimeMs || limits.shouldStop?.() === true) break;
        if (now >= nextStatus) {
          nextStatus = now + interval;
          this.#options.onStatus?.(this.stats());
        }
      }
    } finally {
      this.#elapsedBefore += performance.now() - start;
      this.#runStart = undefined;
    }
    return this.stats();
  }

  /** Runs one input, updates features, corpus and findings; returns the target's outcome. */
  execute(input: Uint8Array): TargetRun {
    this.#state.count = 0;
    let outcome: TargetRun;
    try {
      outcome = this.target.run(input, this.variant, this.#state);
    } catch (error) {
      outcome = crashFinding(this.target.name, this.variant, error);
    }
    const codeCount = this.#coverage.collect(this.#codeIds);
    this.#execs++;
    this.#inputBytes += input.length;
    const newCode = this.features.addAndCountNew("code", this.#codeIds, codeCount);
    const newState = this.features.addAndCountNew("state", this.#state.ids, this.#state.count);
    if (outcome.finding !== null) this.#report(outcome, input);
    const gain =
      this.feedback === "full"
        ? newCode + newState
        : this.feedback === "code"
          ? newCode
          : this.feedback === "state"
            ? newState
            : 0;
    if (gain > 0) {
      // Generated inputs live in the mutator's scratch buffer: keep a copy.
      input = input.slice();
      const features = {
        code: distinct(this.#codeIds, codeCount),
        state: distinct(this.#state.ids, this.#state.count),
      };
      const entry = this.corpus.add(input, gain, features);
      if (entry !== null) this.#lastProgress = this.#execs;
      if (entry !== null && newState > 0 && this.feedback !== "code")
        this.#frontier.offer(entry, this.#state.ids, this.#state.count);
      if (entry !== null && this.#options.onNew !== undefined) {
        this.#options.onNew({ input, name: entry.name, newFeatures: gain, stats: this.stats() });
      }
    } else {
      this.#growLengthLimit();
    }
    if (this.#execs >= this.#nextReweight && this.corpus.size > 0) this.#reweight();
    return outcome;
  }

  /** The counters so far. */
  stats(): EngineStats {
    const elapsedMs =
      this.#elapsedBefore + (this.#runStart === undefined ? 0 : performance.now() - this.#runStart);
    return {
      execs: this.#execs,
      elapsedMs,
      execPerSec: elapsedMs > 0 ? Math.round((this.#execs * 1000) / elapsedMs) : 0,
      inputBytes: this.#inputBytes,
      corpusSize: this.corpus.size,
      codeFeatures: this.features.codeFeatures,
      allFeatures: this.features.allFeatures,
      findings: Object.fromEntries(this.#findings),
      timeToFirst: Object.fromEntries(this.#firsts),
    };
  }

  /**
   * A simple entropic-style power schedule: an entry's weight is the sum over its features of
   * 1 / (times hit), so inputs that alone reach a rare situation get fuzzed most, and less as
   * their mutants make that situation common.
   */
  #reweight(): void {
    this.#nextReweight =
      this.#execs + Math.max(REWEIGHT_EVERY, REWEIGHT_PER_ENTRY * this.corpus.size);
    const kinds = { code: this.feedback !== "state", state: this.feedback !== "code" };
    this.corpus.reweight((entry) => this.features.rarity(entry.features, kinds));
  }

  /**
   * libFuzzer's length control: short inputs make each mutation count, so the limit grows by
   * one op record only after about 100 * ln(limit) executions without a new corpus entry.
   */
  #growLengthLimit(): void {
    const limit = this.#lengthLimit;
    if (limit >= this.#mutator.config.maxLength) return;
    if (this.#execs - this.#lastProgress < 100 * Math.log(limit)) return;
    this.#lengthLimit = Math.min(limit + this.target.opBytes, this.#mutator.config.maxLength);
    this.#lastProgress = this.#execs;
  }

  /** The next input: a queued seed, or a generated one in the mutator's scratch buffer. */
  #nextInput(): Uint8Array {
    if (this.#nextSeed < this.#seeds.length) {
      const seed = this.#seeds[this.#nextSeed++]!;
      if (this.#nextSeed === this.#seeds.length) {
        this.#seeds.length = 0;
        this.#nextSeed = 0;
      }
      return seed;
    }
    const mutator = this.#mutator;
    // Blind generation draws from the whole length range: it has no feedback to grow by.
    if (this.feedback === "none") return mutator.randomInScratch();
    if (this.corpus.size === 0) return mutator.randomInScratch(this.#lengthLimit);
    if (this.#execs % EXPLORE_EVERY === EXPLORE_EVERY - 1) return mutator.randomInScratch();
    const rng = this.#frontierRng;
    if (this.#frontier.size > 0 && rng.below(FRONTIER_EVERY) === 0) {
      const holder = this.#frontier.pick((n) => rng.below(n)).data;
      // A few records past the holder: the input grows as it makes progress, not all at once.
      const room = Math.max(
        this.#lengthLimit,
        holder.length + FRONTIER_GROWTH * this.target.opBytes,
      );
      return mutator.mutateInScratch(holder, this.corpus.pick().data, room);
    }
    const limit = this.#lengthLimit;
    return mutator.mutateInScratch(this.corpus.pick().data, this.corpus.pick().data, limit);
  }

  #report(outcome: TargetRun, input: Uint8Array): void {
    const finding = outcome.finding as Finding;
    const signature = findingSignature(finding);
    const count = this.#findings.get(signature) ?? 0;
    this.#findings.set(signature, count + 1);
    if (count > 0 || this.#known.has(signature)) return;
    const { elapsedMs } = this.stats();
    this.#firsts.set(signature, { execs: this.#execs, ms: elapsedMs });
    const event = {
      finding,
      signature,
      input: input.slice(),
      trace: outcome.trace,
      execs: this.#execs,
      elapsedMs,
    };
    this.#options.onFinding?.(event);
    // Handlers may replay the finding (minimizing it): those counts are not the next execution's.
    this.#coverage.reset();
  }
}
