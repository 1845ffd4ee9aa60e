/**
 * The lines a campaign prints, in libFuzzer's style so that tools reading libFuzzer logs read
 * these too: `#<execs> <EVENT> cov: .. ft: .. corp: .. exec/s: .. rss: ..Mb`, and one FINDING line
 * per new signature.
 */
import type { FindingNotice } from "./protocol.js";

/** The campaign-wide numbers of a status line. */
export interface StatusSnapshot {
  /** Executions of the whole campaign (earlier sessions included). */
  execs: number;
  /** Executions per second of this session. */
  execPerSec: number;
  /** Code features (the largest worker's: shared corpus entries make the workers converge). */
  cov: number;
  /** Code and state features, likewise. */
  ft: number;
  /** Distinct corpus entries of the campaign. */
  corpus: number;
  /** Resident set size of the process (all workers), in MiB. */
  rssMb: number;
}

/**
 * libFuzzer's events: INITED once the workers run, NEW per corpus entry, RELOAD after taking
 * entries from a sync directory, pulse, DONE at the end.
 */
export type StatusEvent = "INITED" | "NEW" | "RELOAD" | "pulse" | "DONE";

export function statusLine(event: StatusEvent, s: StatusSnapshot): string {
  return (
    `#${s.execs} ${event} cov: ${s.cov} ft: ${s.ft} corp: ${s.corpus} ` +
    `exec/s: ${s.execPerSec} rss: ${s.rssMb}Mb`
  );
}

/** `FINDING <signature> at #<execs> (<ms> ms): <message> -> <dir>` (the message on one line). */
export function findingLine(notice: FindingNotice): string {
  const message = notice.message.replace(/\s*\n\s*/g, " ");
  return `FINDING ${notice.signature} at #${notice.execs} (${Math.round(notice.ms)} ms): ${message} -> ${notice.dir}`;
}

/** The process's resident set size in MiB. */
export function rssMb(): number {
  return Math.round(process.memoryUsage.rss() / 2 ** 20);
}
