/**
 * results.jsonl: one job record per line, appended and fsynced as each job finishes, so an
 * interrupted run keeps every finished job. A line cut short by a crash mid-write is the only
 * thing ever dropped: it was never a saved job, and `--resume` runs that job again.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type { JobRecord } from "../../src/report/results.js";
import { validateJobRecord } from "../../src/report/read-results.js";
import { parseJsonl } from "../../src/sim/jsonl.js";

/** The complete records of a results.jsonl (none when it does not exist), in file order. */
export function readJobLog(path: string): JobRecord[] {
  if (!existsSync(path)) return [];
  return parseJsonl(completeText(path), path).map((r) =>
    validateJobRecord(r.fields, r.file, r.line),
  );
}

/** The file's text up to its last newline: a torn last line is not a record. */
function completeText(path: string): string {
  const text = readFileSync(path, "utf8");
  return text.slice(0, text.lastIndexOf("\n") + 1);
}

/** An open results.jsonl being appended to. */
export class JobLog {
  private fd: number;

  /**
   * Opens `path` for appending. With `resume`, keeps its records (dropping a torn last line);
   * otherwise an existing file is moved to `previous/results-<stamp>.jsonl` beside it, not lost.
   */
  constructor(
    readonly path: string,
    resume: boolean,
    stamp: string,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) {
      if (resume) {
        truncateSync(path, Buffer.byteLength(completeText(path), "utf8"));
      } else {
        const archive = join(dirname(path), "previous", `results-${stamp}.jsonl`);
        mkdirSync(dirname(archive), { recursive: true });
        renameSync(path, archive);
      }
    }
    this.fd = openSync(path, "a");
  }

  /** Appends one record as one line and makes it durable before returning. */
  append(record: JobRecord): void {
    const line = Buffer.from(`${JSON.stringify(record)}\n`, "utf8");
    for (let offset = 0; offset < line.length;) {
      offset += writeSync(this.fd, line, offset, line.length - offset);
    }
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
