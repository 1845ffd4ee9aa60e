/**
 * A campaign's statistics on disk: OUT/stats.json, the current totals, replaced atomically every
 * status interval and at the end; and OUT/stats.csv, one row appended per interval, so
 * coverage and features can be plotted over time. Both carry over a --resume.
 */
import { appendFileSync, existsSync, readFileSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../src/sim/atomic-write.js";
import type { CampaignStats, CsvRow } from "../../src/report/fuzz-results.js";
import { CampaignInputError } from "./input-error.js";

export type {
  CampaignStats,
  CsvRow,
  FindingStat,
  SessionStat,
} from "../../src/report/fuzz-results.js";

export function statsPath(outDir: string): string {
  return join(outDir, "stats.json");
}

/** Reads OUT/stats.json, or undefined when there is none; a damaged one is bad input. */
export function readStats(outDir: string): CampaignStats | undefined {
  const path = statsPath(outDir);
  if (!existsSync(path)) return undefined;
  let stats: Partial<CampaignStats>;
  try {
    stats = JSON.parse(readFileSync(path, "utf8")) as Partial<CampaignStats>;
  } catch (error) {
    throw new CampaignInputError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof stats.execs !== "number" || !Array.isArray(stats.findings)) {
    throw new CampaignInputError(`${path}: not a dmafuzz campaign's stats.json`);
  }
  return stats as CampaignStats;
}

export function writeStats(outDir: string, stats: CampaignStats): void {
  writeFileAtomic(statsPath(outDir), `${JSON.stringify(stats, null, 2)}\n`);
}

const CSV_HEADER = "elapsed_s,execs,exec_per_s,cov,ft,corpus,findings\n";

/**
 * Makes OUT/stats.csv ready for appending: writes the header when it is missing, and drops a
 * last row cut short by a kill (rows are appended, not replaced).
 */
export function prepareCsv(outDir: string): void {
  const path = join(outDir, "stats.csv");
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  const whole = text.lastIndexOf("\n") + 1;
  if (whole === 0) writeFileAtomic(path, CSV_HEADER);
  else if (whole < text.length) truncateSync(path, whole);
}

export function appendCsvRow(outDir: string, row: CsvRow): void {
  const line = [
    row.elapsedS.toFixed(1),
    row.execs,
    Math.round(row.execPerSec),
    row.cov,
    row.ft,
    row.corpus,
    row.findings,
  ].join(",");
  appendFileSync(join(outDir, "stats.csv"), `${line}\n`);
}
