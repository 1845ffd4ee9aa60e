/**
 * A shared sync directory through which campaigns on many machines exchange corpus entries and
 * findings, by AFL++'s and libFuzzer's convention: each campaign writes only its own subfolder
 * `DIR/<id>/` and reads everyone else's. No locks: every file is written under a dot-prefixed
 * temp name and renamed into place (readers skip dot-files), and nothing relies on more than
 * that, so a plain NFS export or an object-store mount (where a rename may be a copy) will do:
 * a corpus file is taken only when its content hashes to its name, and a finding only once its
 * finding.json (written last) parses; anything else is looked at again at the next sync.
 *
 * ```
 * DIR/<id>/campaign.json                 {"target": "pagealloc", "variant": "v6.8"}
 * DIR/<id>/corpus/<sha1>                 the campaign's own corpus entries
 * DIR/<id>/findings/<slug>/input.bin, trace.jsonl, minimized.jsonl, finding.json
 * ```
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../src/sim/atomic-write.js";
import { inputName } from "../engine/corpus.js";
import type { SavedFinding } from "../engine/findings.js";
import { CampaignInputError } from "./input-error.js";

/** What a campaign fuzzes, as its campaign.json in the sync directory says. */
export interface SyncIdentity {
  target: string;
  variant: string;
}

/** A peer's corpus entry, checked against its name. */
export interface SyncedInput {
  peer: string;
  name: string;
  data: Uint8Array;
}

/** A peer's complete finding directory. */
export interface SyncedFinding {
  peer: string;
  document: SavedFinding;
  input: Uint8Array;
  trace: string;
  minimized: string;
}

/** The files of a finding directory; finding.json is written last and read first. */
const FINDING_FILES = ["input.bin", "trace.jsonl", "minimized.jsonl"] as const;

/** A name that is safe as a directory on every filesystem and never a temp file. */
export function checkSyncId(id: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/.test(id)) {
    throw new CampaignInputError(
      `sync id '${id}' must be 1-100 letters, digits, '.', '_' or '-', not starting with '.' or '-'`,
    );
  }
  return id;
}

/** One campaign's view of a shared sync directory. */
export class SyncDir {
  readonly #own: string;
  /** Per peer: corpus names and finding slugs already taken (or seen as ours). */
  readonly #seenInputs = new Set<string>();
  readonly #seenFindings = new Set<string>();
  /** Corpus names already in our folder. */
  readonly #exported = new Set<string>();

  constructor(
    readonly root: string,
    readonly id: string,
    readonly identity: SyncIdentity,
  ) {
    this.#own = join(root, checkSyncId(id));
    const campaignFile = join(this.#own, "campaign.json");
    const claimed = readJson(campaignFile) as SyncIdentity | undefined;
    if (
      claimed !== undefined &&
      (claimed.target !== identity.target || claimed.variant !== identity.variant)
    ) {
      throw new CampaignInputError(
        `${this.#own} belongs to a campaign on ${claimed.target}@${claimed.variant}: choose another --sync-id`,
      );
    }
    if (claimed === undefined) {
      writeFileAtomic(campaignFile, `${JSON.stringify(identity)}\n`);
    }
    for (const name of listFiles(join(this.#own, "corpus"))) this.#exported.add(name);
  }

  /** Writes our corpus entry `data` (named `name`) unless our folder or a peer's holds it. */
  exportInput(name: string, data: Uint8Array): boolean {
    if (this.#exported.has(name) || this.#seenInputs.has(name)) return false;
    writeFileAtomic(join(this.#own, "corpus", name), data);
    this.#exported.add(name);
    return true;
  }

  /** Copies our finding directory `localDir` (complete, finding.json last) under `slug`. */
  exportFinding(slug: string, localDir: string): void {
    const dir = join(this.#own, "findings", slug);
    if (existsSync(join(dir, "finding.json"))) return;
    for (const file of [...FINDING_FILES, "finding.json"]) {
      writeFileAtomic(join(dir, file), readFileSync(join(localDir, file)));
    }
  }

  /**
   * The peers' corpus entries and findings that this campaign has not taken yet. Corpus entries
   * come from peers on the same target (any variant: inputs decode the same way), findings from
   * peers on the same target and variant. Incomplete files are skipped and looked at next time.
   */
  pull(): { inputs: SyncedInput[]; findings: SyncedFinding[] } {
    const inputs: SyncedInput[] = [];
    const findings: SyncedFinding[] = [];
    for (const peer of listDirs(this.root)) {
      if (peer === this.id) continue;
      const peerDir = join(this.root, peer);
      const claimed = readJson(join(peerDir, "campaign.json")) as SyncIdentity | undefined;
      if (claimed?.target !== this.identity.target) continue;
      for (const name of listFiles(join(peerDir, "corpus"))) {
        if (this.#seenInputs.has(name) || this.#exported.has(name)) continue;
        const data = readBytes(join(peerDir, "corpus", name));
        if (data === undefined || inputName(data) !== name) continue;
        this.#seenInputs.add(name);
        inputs.push({ peer, name, data });
      }
      if (claimed.variant !== this.identity.variant) continue;
      for (const slug of listDirs(join(peerDir, "findings"))) {
        if (this.#seenFindings.has(slug)) continue;
        const finding = readFinding(join(peerDir, "findings", slug));
        if (finding === undefined) continue;
        this.#seenFindings.add(slug);
        findings.push({ peer, ...finding });
      }
    }
    return { inputs, findings };
  }

  /** Marks a finding slug as ours (saved locally), so a peer's copy of it is not taken. */
  markFinding(slug: string): void {
    this.#seenFindings.add(slug);
  }
}

function readFinding(dir: string): Omit<SyncedFinding, "peer"> | undefined {
  const document = readJson(join(dir, "finding.json")) as SavedFinding | undefined;
  if (typeof document?.signature !== "string" || typeof document.finding !== "object") return;
  const [input, trace, minimized] = FINDING_FILES.map((file) => readBytes(join(dir, file)));
  if (input === undefined || trace === undefined || minimized === undefined) return;
  const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");
  return { document, input, trace: text(trace), minimized: text(minimized) };
}

/** Visible entries of `dir` (no dot-files), or none when it does not exist (yet). */
function listEntries(dir: string, directories: boolean): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => !e.name.startsWith(".") && (directories ? e.isDirectory() : e.isFile()))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

const listFiles = (dir: string) => listEntries(dir, false);
const listDirs = (dir: string) => listEntries(dir, true);

function readBytes(path: string): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    return undefined;
  }
}

/** A JSON file's value, or undefined when it is missing or not (yet) whole. */
function readJson(path: string): unknown {
  const bytes = readBytes(path);
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes).toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}
