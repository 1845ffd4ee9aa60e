/** results.csv: one row per job, metrics as columns (the union over the run's suites). */
import type { BenchResults } from "./results.js";

/** The text of results.csv (RFC 4180 quoting). */
export function renderCsv(results: BenchResults): string {
  const metrics = [...new Set(results.suites.flatMap((s) => s.metrics.map((m) => m.key)))];
  const header = ["suite", "variant", "workload", "seed", "ops", "wall_ms", ...metrics];
  const rows = results.jobs.map((job) => [
    job.suite,
    job.variant,
    job.workload,
    String(job.seed),
    String(job.ops),
    String(job.wallMs),
    ...metrics.map((key) => (job.metrics[key] === undefined ? "" : String(job.metrics[key]))),
  ]);
  return `${[header, ...rows].map((row) => row.map(quote).join(",")).join("\r\n")}\r\n`;
}

function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}
