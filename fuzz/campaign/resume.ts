/**
 * What a campaign starts from: nothing for a new OUT directory; for --resume, the saved corpus
 * (seeds for every worker), the saved findings (signatures not to report again) and the earlier
 * statistics (so executions and time add up). Leftovers of a killed process (temp files and
 * directories) are removed; saved corpus files and finding directories are only ever read.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { loadCorpusDir } from "../engine/corpus.js";
import { findingSlug, loadSavedFindings, removeStaleTemps } from "../engine/findings.js";
import { CampaignInputError } from "./input-error.js";
import { type CampaignStats, type FindingStat, readStats, statsPath } from "./stats-file.js";

/** The saved state of an OUT directory. */
export interface CampaignState {
  /** stats.json of the earlier sessions, if any. */
  prior: CampaignStats | undefined;
  corpus: { name: string; data: Uint8Array }[];
  /** Findings of earlier sessions by signature, with their time to first. */
  findings: Map<string, FindingStat>;
  /** Signatures with a saved finding directory: never reported or saved again. */
  known: Set<string>;
}

/** What is being fuzzed, to check that a resumed OUT directory is the same campaign. */
export interface CampaignIdentity {
  target: string;
  variant: string;
}

/**
 * Loads OUT for a campaign on `identity`. Without `resume`, OUT must not hold a campaign already
 * (nothing is overwritten or mixed up); with it, OUT may be empty or missing.
 */
export function loadCampaignState(
  outDir: string,
  resume: boolean,
  identity: CampaignIdentity,
): CampaignState {
  const corpusDir = join(outDir, "corpus");
  if (!resume) {
    const used = [statsPath(outDir), corpusDir, join(outDir, "findings")].some(
      (path) => existsSync(path) && (path.endsWith(".json") || readdirSync(path).length > 0),
    );
    if (used) {
      throw new CampaignInputError(
        `${outDir} already holds a campaign: add --resume to continue it, or choose another --out`,
      );
    }
    return { prior: undefined, corpus: [], findings: new Map(), known: new Set() };
  }
  const prior = readStats(outDir);
  if (
    prior !== undefined &&
    (prior.target !== identity.target || prior.variant !== identity.variant)
  ) {
    throw new CampaignInputError(
      `${outDir} holds a campaign on ${prior.target}@${prior.variant}, not ${identity.target}@${identity.variant}`,
    );
  }
  removeStaleTemps(outDir);
  removeCorpusTemps(corpusDir);
  const findings = new Map((prior?.findings ?? []).map((f) => [f.signature, f]));
  let saved;
  try {
    saved = loadSavedFindings(outDir);
  } catch (error) {
    throw new CampaignInputError(`${join(outDir, "findings")}: ${(error as Error).message}`);
  }
  // A finding saved after the last stats.json write (say, just before a kill) keeps the time to
  // first its finding.json records.
  for (const [signature, document] of saved) {
    if (findings.has(signature)) continue;
    findings.set(signature, {
      signature,
      kind: document.finding.kind,
      message: document.finding.message,
      dir: relative(outDir, join(outDir, "findings", findingSlug(signature))),
      execs: document.executions,
      ms: document.elapsedMs,
    });
  }
  return { prior, corpus: loadCorpusDir(corpusDir), findings, known: new Set(saved.keys()) };
}

/** Removes the temp files of atomic writes cut short by a kill (dot-files ending in .tmp). */
function removeCorpusTemps(corpusDir: string): void {
  if (!existsSync(corpusDir)) return;
  for (const name of readdirSync(corpusDir)) {
    if (name.startsWith(".") && name.endsWith(".tmp"))
      rmSync(join(corpusDir, name), { force: true });
  }
}
