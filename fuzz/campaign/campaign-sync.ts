/**
 * A campaign's side of `--sync-dir`: every interval (and once more when the campaign stops) it
 * takes the peers' new corpus entries and findings, saving each into its own OUT directory
 * first (so the campaign stays resumable on its own, without the sync directory), then writes its
 * own new entries and findings into its folder of the sync directory. Runs in the main thread.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { SyncStats } from "../../src/report/fuzz-results.js";
import { parseJsonl } from "../../src/sim/jsonl.js";
import { saveInput } from "../engine/corpus.js";
import {
  findingSlug,
  loadSavedFindings,
  type SavedFinding,
  saveFinding,
} from "../engine/findings.js";
import type { FindingNotice } from "./protocol.js";
import { SyncDir, type SyncedFinding, type SyncIdentity } from "./sync-dir.js";

/** Options of {@link CampaignSync}. */
export interface CampaignSyncOptions {
  /** The shared directory, this campaign's folder name in it, and what it fuzzes. */
  dir: string;
  id: string;
  identity: SyncIdentity;
  intervalMs: number;
  outDir: string;
  /** The campaign's corpus by name (entries found so far, imported ones included). */
  corpus: ReadonlyMap<string, Uint8Array>;
}

/** What the campaign does with what a sync takes from the peers. */
export interface SyncHandlers {
  /** A peer's entry, already saved in OUT/corpus: add it to the corpus and hand it to workers. */
  onInput(name: string, data: Uint8Array): void;
  /** A peer's finding, already saved in OUT/findings. */
  onFinding(notice: FindingNotice, peer: string): void;
}

export type { SyncStats };

export class CampaignSync {
  readonly #options: CampaignSyncOptions;
  readonly #dir: SyncDir;
  /** Our finding directories not yet copied to the sync directory. */
  readonly #findingsToExport: string[] = [];
  #nextAt = 0;
  readonly stats: SyncStats;

  constructor(options: CampaignSyncOptions) {
    this.#options = options;
    this.#dir = new SyncDir(options.dir, options.id, options.identity);
    this.stats = {
      dir: options.dir,
      id: options.id,
      intervalMs: options.intervalMs,
      syncs: 0,
      importedInputs: 0,
      importedFindings: 0,
      exportedInputs: 0,
      lastSync: null,
    };
    for (const [signature, document] of loadSavedFindings(options.outDir)) {
      const slug = findingSlug(signature);
      if (document.syncedFrom === undefined) {
        this.#findingsToExport.push(join(options.outDir, "findings", slug));
      }
    }
  }

  /** Our own new finding (saved under `dir`): copied to the sync directory at the next sync. */
  noteFinding(dir: string): void {
    this.#findingsToExport.push(dir);
  }

  /** Syncs when the interval has passed since the last sync (`now` in ms, monotonic). */
  tick(now: number, handlers: SyncHandlers): void {
    if (now < this.#nextAt) return;
    this.#nextAt = now + this.#options.intervalMs;
    this.sync(handlers);
  }

  /** Takes the peers' news, then publishes ours. */
  sync(handlers: SyncHandlers): void {
    const { outDir, corpus } = this.#options;
    this.stats.lastSync = new Date().toISOString();
    this.stats.syncs++;
    const { inputs, findings } = this.#dir.pull();
    for (const { name, data } of inputs) {
      if (corpus.has(name)) continue;
      saveInput(join(outDir, "corpus"), data);
      handlers.onInput(name, data);
      this.stats.importedInputs++;
    }
    for (const finding of findings) this.#importFinding(finding, handlers);
    for (const [name, data] of corpus) {
      if (this.#dir.exportInput(name, data)) this.stats.exportedInputs++;
    }
    for (const dir of this.#findingsToExport.splice(0)) {
      const document = readDocument(dir);
      if (document === undefined || document.syncedFrom !== undefined) continue;
      this.#dir.exportFinding(findingSlug(document.signature), dir);
    }
  }

  #importFinding(
    { peer, document, input, trace, minimized }: SyncedFinding,
    handlers: SyncHandlers,
  ): void {
    const { outDir } = this.#options;
    let records;
    try {
      records = [trace, minimized].map((text, i) =>
        parseJsonl(text, `${peer}/${i === 0 ? "trace" : "minimized"}.jsonl`).map((r) => r.fields),
      );
    } catch {
      return; // A peer's damaged trace is not ours to keep.
    }
    const { dir, saved } = saveFinding(outDir, {
      finding: document.finding,
      input,
      trace: records[0]!,
      minimized: records[1]!,
      executions: document.executions,
      elapsedMs: document.elapsedMs,
      syncedFrom: peer,
    });
    this.#dir.markFinding(findingSlug(document.signature));
    if (!saved) return;
    this.stats.importedFindings++;
    const { signature, finding, executions: execs, elapsedMs: ms } = document;
    handlers.onFinding(
      { signature, kind: finding.kind, message: finding.message, dir, execs, ms },
      peer,
    );
  }
}

function readDocument(dir: string): SavedFinding | undefined {
  const file = join(dir, "finding.json");
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as SavedFinding;
}
