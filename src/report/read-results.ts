/**
 * Reading result files back: every record is checked, and bad input is a TraceError naming the
 * file and line (line 0: the file as a whole), which the CLI reports in one line with exit 2.
 */
import { readFileSync } from "node:fs";
import { TraceError } from "../sim/jsonl.js";
import { type BaselineRun, type BenchResults, type JobRecord, RESULTS_FORMAT } from "./results.js";
import { seriesProblem } from "./series.js";

/**
 * Checks one job record: a results.jsonl line, or (line 0, `where` = "jobs[3]: ") an entry of
 * results.json's `jobs`.
 */
export function validateJobRecord(
  value: unknown,
  file: string,
  line: number,
  where = "",
): JobRecord {
  const fail = (reason: string): never => {
    throw new TraceError(file, line, `${where}${reason}`);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail("expected a job record (a JSON object)");
  }
  const record = value as Record<string, unknown>;
  for (const key of ["suite", "variant", "workload"]) {
    if (typeof record[key] !== "string") fail(`field "${key}": expected a string`);
  }
  for (const key of ["seed", "ops"]) {
    if (!Number.isSafeInteger(record[key])) fail(`field "${key}": expected an integer`);
  }
  if (typeof record.wallMs !== "number") fail('field "wallMs": expected a number');
  if (record.sweep !== undefined) {
    const sweep = record.sweep as { axis?: unknown; value?: unknown } | null;
    if (typeof sweep?.axis !== "string" || !Number.isFinite(sweep.value)) {
      fail('field "sweep": expected {"axis": string, "value": number}');
    }
  }
  const metrics = record.metrics;
  if (typeof metrics !== "object" || metrics === null || Array.isArray(metrics)) {
    return fail('field "metrics": expected an object');
  }
  for (const [key, metric] of Object.entries(metrics)) {
    if (typeof metric !== "number" || !Number.isFinite(metric)) {
      fail(`metric "${key}": expected a finite number`);
    }
  }
  if (record.series !== undefined) {
    const problem = seriesProblem(record.series);
    if (problem !== null) fail(`field "series": ${problem}`);
  }
  return record as unknown as JobRecord;
}

/** Reads and checks a results.json. */
export function readResultsFile(path: string): BenchResults {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new TraceError(path, 0, `cannot read file: ${code ?? message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TraceError(path, 0, `invalid JSON (${(error as Error).message})`);
  }
  const results = value as Partial<BenchResults> | null;
  if (typeof results !== "object" || results === null || results.format !== RESULTS_FORMAT) {
    throw new TraceError(path, 0, `not a dmafuzz results.json (format "${RESULTS_FORMAT}")`);
  }
  for (const key of ["environment", "run"] as const) {
    if (typeof results[key] !== "object" || results[key] === null) {
      throw new TraceError(path, 0, `field "${key}": expected an object`);
    }
  }
  if (!Array.isArray(results.suites) || !Array.isArray(results.jobs)) {
    throw new TraceError(path, 0, 'fields "suites" and "jobs": expected arrays');
  }
  results.jobs.forEach((job, i) => validateJobRecord(job, path, 0, `jobs[${i}]: `));
  for (const suite of results.suites) {
    if (typeof suite?.name !== "string" || !Array.isArray(suite.metrics)) {
      throw new TraceError(path, 0, "a suite entry lacks its name or metrics");
    }
    if (suite.series !== undefined && !Array.isArray(suite.series)) {
      throw new TraceError(path, 0, `suite "${suite.name}": field "series": expected an array`);
    }
  }
  return results as BenchResults;
}

/** An earlier results.json as the baseline run of a regression section. */
export function readBaselineRun(path: string): BaselineRun {
  const earlier = readResultsFile(path);
  return { source: path, environment: earlier.environment, jobs: earlier.jobs };
}
