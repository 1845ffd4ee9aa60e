/**
 * A fuzz campaign: N worker threads each run a FuzzEngine on one target variant (seed + worker
 * index), share new corpus entries through the main thread, and save their corpus entries and
 * findings under OUT themselves. The main thread aggregates status lines and statistics, turns a
 * worker that hangs or dies into a `timeout` or `crash` finding (the input comes from the shared
 * heartbeat) and replaces it. A stop (time, runs, signal) lets every worker finish its current
 * execution, then writes the final statistics. Nothing that matters lives only in the main thread.
 */
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { policiesOfVariant } from "../../src/models/policies.js";
import { type Finding, findingSignature } from "../../src/oracles/finding.js";
import { thisPackage } from "../../src/paths.js";
import {
  type TriagedFinding,
  writeCampaignPage,
  writeFindingPage,
} from "../../src/report/campaign-page.js";
import { inputName } from "../engine/corpus.js";
import type { FeedbackMode } from "../engine/engine.js";
import { saveFinding } from "../engine/findings.js";
import { availableTargets, loadTarget } from "../engine/load-target.js";
import { CampaignSync, type SyncHandlers } from "./campaign-sync.js";
import { Board } from "./heartbeat.js";
import { traceFault } from "./fault-trace.js";
import { CampaignInputError } from "./input-error.js";
import type { FindingNotice, FromWorker, WorkerConfig } from "./protocol.js";
import { loadCampaignState } from "./resume.js";
import { type CampaignStats, type FindingStat, prepareCsv } from "./stats-file.js";
import { CampaignRecorder } from "./recorder.js";
import { findingLine } from "./status.js";
import { Supervisor, type WorkerFault } from "./supervisor.js";

/** Options of {@link runCampaign}. */
export interface CampaignOptions {
  /** Target name (fuzz/targets/<name>.fuzz.ts, or `toy`). */
  target: string;
  /** A test-only target module relative to dist/ (e.g. `fuzz/selftest/faulty.fuzz.js`). */
  targetModule?: string;
  /** Default: the target's default variant. */
  variant?: string;
  /** Users' policy modules, loaded in every worker (the caller has loaded them in this thread). */
  policyFiles?: readonly string[];
  workers: number;
  seed: number;
  outDir: string;
  resume: boolean;
  feedback: FeedbackMode;
  /** Stop after this many milliseconds of this session. */
  maxTimeMs?: number;
  /** Stop after this many executions in this session (split among the workers). */
  maxRuns?: number;
  /** One execution running longer is a `timeout` finding (default 10 s). */
  timeoutMs?: number;
  /** Longest generated input (default 1024 bytes). */
  maxInputBytes?: number;
  /** Exchange corpus entries and findings with other campaigns through a shared directory. */
  sync?: SyncOptions;
  /** Aborting it stops the campaign like the limits do. */
  signal?: AbortSignal;
  /** Receives each status and FINDING line. */
  log: (line: string) => void;
}

/** `--sync-dir`, `--sync-id`, `--sync-interval`. */
export interface SyncOptions {
  dir: string;
  /** This campaign's folder in `dir` (default: the one it used before, else `<host>-<out name>`). */
  id?: string;
  intervalMs: number;
}

/** How a campaign ended. */
export interface CampaignOutcome {
  stats: CampaignStats;
  reason: "time" | "runs" | "signal";
  /** Signatures first found in this session. */
  newFindings: FindingStat[];
  /** Workers replaced after they hung or died. */
  replacedWorkers: number;
  /** Every finding of the campaign with its triage and page, as the campaign page lists them. */
  findings: TriagedFinding[];
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Main-thread tick: heartbeat check, pulse line, CSV row. */
const TICK_MS = 1000;
/** Extra grace after the time limit for workers to finish once asked to stop. */
const STOP_GRACE_MS = 5000;

/**
 * Runs a campaign until a limit or the signal stops it; resolves once everything is written,
 * the campaign page (OUT/index.html) and every finding page included.
 */
export async function runCampaign(options: CampaignOptions): Promise<CampaignOutcome> {
  const outcome = await fuzzUntilStopped(options);
  return { ...outcome, findings: await writeCampaignPage(options.outDir) };
}

async function fuzzUntilStopped(
  options: CampaignOptions,
): Promise<Omit<CampaignOutcome, "findings">> {
  const { outDir, workers } = options;
  if (options.targetModule === undefined) {
    const known = availableTargets(join(thisPackage().root, "dist"));
    if (!known.includes(options.target)) {
      throw new CampaignInputError(
        `unknown target '${options.target}' (built: ${known.join(", ")})`,
      );
    }
  }
  const { target } = await loadTarget(options.target, {
    ...(options.targetModule !== undefined && { modulePath: options.targetModule }),
  });
  const variant = options.variant ?? target.defaultVariant;
  if (!target.variants.includes(variant)) {
    throw new CampaignInputError(
      `unknown variant '${variant}' of ${target.name} (known: ${target.variants.join(", ")})`,
    );
  }
  const state = loadCampaignState(outDir, options.resume, { target: options.target, variant });
  mkdirSync(join(outDir, "corpus"), { recursive: true });
  mkdirSync(join(outDir, "findings"), { recursive: true });
  prepareCsv(outDir);

  const corpus = new Map(state.corpus.map((entry) => [entry.name, entry.data]));
  /** Inputs that hung or killed a worker: never handed to a replacement. */
  const quarantine = new Set<string>();
  const maxInputBytes = options.maxInputBytes ?? 1024;
  const capacity = Math.max(maxInputBytes, ...[...corpus.values()].map((data) => data.length));
  const sync =
    options.sync &&
    new CampaignSync({
      dir: options.sync.dir,
      id: options.sync.id ?? state.prior?.sync?.id ?? defaultSyncId(outDir),
      identity: { target: options.target, variant },
      intervalMs: options.sync.intervalMs,
      outDir,
      corpus,
    });
  const board = Board.create(workers, capacity);
  board.baseExecs = state.prior?.execs ?? 0;
  const recorder = new CampaignRecorder({
    outDir,
    board,
    prior: state.prior,
    findings: state.findings,
    identity: {
      target: options.target,
      variant,
      feedback: options.feedback,
      workers,
      seed: options.seed,
    },
    corpusSize: () => corpus.size,
    log: options.log,
    sync: () => sync?.stats,
  });
  /** Signatures saved before this session. */
  const known = [...state.known];
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const configFor = (slot: number, generation: number, runsDone: number): WorkerConfig | null => {
    let maxRuns: number | undefined;
    if (options.maxRuns !== undefined) {
      const share =
        Math.floor(options.maxRuns / workers) + (slot < options.maxRuns % workers ? 1 : 0);
      maxRuns = share - runsDone;
      if (maxRuns <= 0) return null;
    }
    return {
      slot,
      // Replacements get fresh seeds: the same one would walk into the same hang again.
      seed: options.seed + slot + workers * generation,
      target: options.target,
      ...(options.targetModule !== undefined && { targetModule: options.targetModule }),
      variant,
      policyFiles,
      feedback: options.feedback,
      outDir,
      maxInputBytes,
      ...(maxRuns !== undefined && { maxRuns }),
      seeds: [...corpus].filter(([name]) => !quarantine.has(name)).map(([, data]) => data),
      knownSignatures: [...known, ...recorder.newFindings.map((f) => f.signature)],
      board: board.buffer,
      sessionStart: recorder.sessionStartEpoch,
      priorMs: recorder.priorMs,
    };
  };

  const policyFiles = (options.policyFiles ?? []).map((file) => resolve(file));
  return new Promise<Omit<CampaignOutcome, "findings">>((resolve, reject) => {
    let reason: CampaignOutcome["reason"] | null = null;
    let settled = false;
    const timers = new Set<NodeJS.Timeout>();
    const after = (ms: number, action: () => void) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        action();
      }, ms);
      timers.add(timer);
    };
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      options.signal?.removeEventListener("abort", onAbort);
      if (error !== undefined) {
        supervisor.terminateAll();
        reject(error);
        return;
      }
      // Faults still being traced are saved before the end.
      void Promise.all([...tracing]).then(() => {
        try {
          syncNow();
          const stats = recorder.finish();
          resolve({
            stats,
            reason: reason ?? "runs",
            newFindings: recorder.newFindings,
            replacedWorkers: supervisor.replacements,
          });
        } catch (failure) {
          reject(failure as Error);
        }
      }, reject);
    };
    const guard =
      <A extends unknown[]>(handler: (...args: A) => void) =>
      (...args: A) => {
        if (settled) return;
        try {
          handler(...args);
        } catch (error) {
          finish(error as Error);
        }
      };
    const stop = (why: CampaignOutcome["reason"]) => {
      if (reason !== null) return;
      reason = why;
      supervisor.stop();
      after(timeoutMs + STOP_GRACE_MS, () => supervisor.terminateAll());
    };
    const onAbort = () => stop("signal");

    const recordFinding = (notice: FindingNotice, peer?: string) => {
      if (!recorder.addFinding(notice)) return;
      try {
        writeFindingPage(notice.dir);
      } catch (error) {
        // The finding itself is saved; the campaign's end tries the page again.
        options.log(`note: no page for ${notice.signature} yet: ${(error as Error).message}`);
      }
      const line = findingLine({ ...notice, dir: displayPath(notice.dir) });
      options.log(peer === undefined ? line : `${line} [from ${peer}]`);
      supervisor.broadcast({ type: "known", signature: notice.signature });
      if (peer === undefined) sync?.noteFinding(notice.dir);
    };
    const onMessage = (message: FromWorker, slot: number) => {
      if (message.type === "finding") return recordFinding(message.notice);
      recorder.updateFeatures(message.counters, slot);
      if (message.type !== "new" || corpus.has(message.name)) return;
      corpus.set(message.name, message.input);
      supervisor.broadcast({ type: "seed", input: message.input }, slot);
      recorder.status("NEW");
    };
    /** Faults whose input is being run again for its trace. */
    const tracing = new Set<Promise<void>>();
    const onFault = (fault: WorkerFault) => {
      quarantine.add(inputName(fault.input));
      const finding: Finding = {
        kind: fault.kind,
        model: target.name,
        variant,
        opIndex: -1,
        site: fault.site,
        message: fault.message,
        evidence: fault.evidence,
      };
      const policies = policiesOfVariant(target.name, variant);
      if (policies.length > 0) finding.policy = policies.map(({ name, file }) => ({ name, file }));
      const signature = findingSignature(finding);
      if (state.findings.has(signature)) return;
      const execs = board.totalExecs();
      const ms = recorder.elapsedMs();
      const { targetModule } = options;
      const tracer = { target: options.target, variant, input: fault.input, policyFiles };
      const job = traceFault({ ...tracer, ...(targetModule && { targetModule }) }, timeoutMs).then(
        (trace) => {
          // Not minimized: every try would take up to the time limit (or kill its thread).
          const { dir } = saveFinding(outDir, {
            finding: { ...finding, opIndex: trace.length - 1 },
            input: fault.input,
            trace,
            minimized: trace,
            executions: execs,
            elapsedMs: ms,
          });
          recordFinding({ signature, kind: fault.kind, message: fault.message, dir, execs, ms });
        },
      );
      tracing.add(job);
      job.then(
        () => tracing.delete(job),
        (error: Error) => finish(error),
      );
    };

    const syncHandlers: SyncHandlers = {
      onInput: (name, data) => {
        corpus.set(name, data);
        supervisor.broadcast({ type: "seed", input: data });
      },
      onFinding: recordFinding,
    };
    /** A sync when its interval has passed (`now`), or at once; RELOAD when it brought inputs. */
    const syncNow = (now?: number) => {
      if (sync === undefined) return;
      const before = sync.stats.importedInputs;
      if (now === undefined) sync.sync(syncHandlers);
      else sync.tick(now, syncHandlers);
      if (sync.stats.importedInputs > before) recorder.status("RELOAD");
    };

    const supervisor = new Supervisor({
      board,
      timeoutMs,
      configFor,
      onMessage: guard(onMessage),
      onFault: guard(onFault),
      onIdle: guard(() => finish()),
      onFatal: (error) => finish(error),
    });
    options.signal?.addEventListener("abort", onAbort);
    const tick = guard(() => {
      supervisor.check(performance.now());
      syncNow(performance.now());
      recorder.tick();
      after(TICK_MS, tick);
    });
    after(TICK_MS, tick);
    if (options.maxTimeMs !== undefined) after(options.maxTimeMs, () => stop("time"));
    try {
      recorder.begin();
      supervisor.start();
    } catch (error) {
      finish(error as Error);
    }
    if (options.signal?.aborted) stop("signal");
  });
}

/** `<host>-<OUT's name>`: distinct per machine and per campaign on it. */
function defaultSyncId(outDir: string): string {
  const name = `${hostname()}-${basename(resolve(outDir))}`.replace(/[^A-Za-z0-9._-]+/g, "_");
  return name.replace(/^[.-]+/, "").slice(0, 100) || "campaign";
}

/** A path as the user would type it: relative to the working directory when inside it. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" || rel.startsWith("..") ? path : rel;
}
