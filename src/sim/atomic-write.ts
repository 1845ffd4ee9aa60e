/**
 * Atomic file replacement: a reader (or a crash) sees either the old file or the whole new one,
 * never a partial write. Campaigns save findings and corpus entries through this.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { threadId } from "node:worker_threads";

/** Distinguishes temp files written by the same thread. */
let tempCounter = 0;

/**
 * Writes `data` to `path` atomically: writes a temp file in the same directory (unique per
 * process, worker thread and call), fsyncs it, renames it over the target and fsyncs the
 * directory. Creates the parent directory if missing; removes the temp file if anything fails.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  // Worker threads share the pid, so the thread id is part of the name too.
  const temp = join(dir, `.${basename(path)}.${process.pid}.${threadId}.${tempCounter++}.tmp`);
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let fd: number | undefined;
  try {
    // "wx" refuses to reuse a stale temp file left by a crashed process with the same pid.
    fd = openSync(temp, "wx");
    for (let offset = 0; offset < bytes.length;) {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // The temp file was never created or is already gone.
    }
    throw error;
  }
  syncDirectory(dir);
}

/** Makes the rename itself durable; best effort, since not every platform can fsync a directory. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // The data is already in place; only durability across a power cut is at stake.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
