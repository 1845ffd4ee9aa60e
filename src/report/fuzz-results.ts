/**
 * The result files of fuzz campaigns that the reports read: a campaign's stats.json, a finding's
 * finding.json, and the main job's record of each campaign. The fuzz engine and campaign write
 * them; they live here, below both, so the report takes nothing from the layers above it.
 */
import type { Finding } from "../oracles/finding.js";
import type { Triage } from "./triage.js";

/** One finding signature in stats.json. */
export interface FindingStat {
  signature: string;
  kind: string;
  message: string;
  /** Its directory, relative to OUT. */
  dir: string;
  /** Time to first: campaign-wide executions and fuzzing milliseconds. */
  execs: number;
  ms: number;
}

/** A finding as the campaign and index pages list it. */
export interface TriagedFinding extends FindingStat {
  triage: Triage;
  /** Its page, relative to the campaign directory (null when it has no finding.json). */
  page: string | null;
}

/** One run of the campaign (the first, then one per --resume). */
export interface SessionStat {
  start: string;
  /** null while it runs (or when it was killed before writing its end). */
  end: string | null;
  execs: number;
  workers: number;
  seed: number;
}

/** The stats.json document. */
export interface CampaignStats {
  target: string;
  variant: string;
  feedback: string;
  /** Workers and seed of the latest session. */
  workers: number;
  seed: number;
  /** Executions over all sessions. */
  execs: number;
  /** Executions per second of the latest session. */
  execPerSec: number;
  /** Fuzzing milliseconds over all sessions. */
  elapsedMs: number;
  corpusSize: number;
  codeFeatures: number;
  allFeatures: number;
  /** Mean bytes per executed input in the latest session (absent before any worker reported). */
  meanInputBytes?: number;
  findings: FindingStat[];
  startTime: string;
  endTime: string | null;
  sessions: SessionStat[];
  /** The sync directory's counters (campaigns run with --sync-dir). */
  sync?: SyncStats;
}

/** What stats.json records of a campaign's `--sync-dir` (fuzz/campaign/campaign-sync.ts). */
export interface SyncStats {
  dir: string;
  id: string;
  intervalMs: number;
  syncs: number;
  /** Corpus entries and findings taken from peers, and corpus entries written for them. */
  importedInputs: number;
  importedFindings: number;
  exportedInputs: number;
  /** ISO time of the last sync's start (its look at the peers' folders), null before the first. */
  lastSync: string | null;
}

/** A row of stats.csv. `execPerSec` is the rate over the interval the row closes. */
export interface CsvRow {
  elapsedS: number;
  execs: number;
  execPerSec: number;
  cov: number;
  ft: number;
  corpus: number;
  findings: number;
}

/** The finding.json document. */
export interface SavedFinding {
  signature: string;
  finding: Finding;
  /** ISO time of saving. */
  time: string;
  executions: number;
  elapsedMs: number;
  traceOps: number;
  minimizedOps: number;
  /** The sync-directory peer it was taken from (absent: found by this campaign). */
  syncedFrom?: string;
}

/** One target's campaign in the main job. */
export interface FuzzStepResult {
  target: string;
  variant: string;
  /** Campaign directory, relative to the main job's output directory. */
  dir: string;
  execs: number;
  execPerSec: number;
  corpusSize: number;
  /** Every finding, with its triage and page. */
  findings: TriagedFinding[];
  /** Canary ids among the findings. */
  canaries: string[];
}
