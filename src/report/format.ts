/** Number formatting shared by the Markdown and HTML reports. */
import type { MetricInfo } from "./results.js";

/** A metric value for a table: rates as percentages, both to three significant digits. */
export function formatValue(value: number, metric: MetricInfo): string {
  if (metric.unit === "rate") return value === 0 ? "0%" : `${significant(value * 100)}%`;
  return Number.isInteger(value) ? String(value) : significant(value);
}

/** Three significant digits (at most four decimals), no exponent notation. */
function significant(x: number): string {
  const digits = Math.abs(x) >= 1000 ? 0 : Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))));
  return x.toFixed(Math.min(digits, 4));
}

/** "median [lo, hi]" of a cell. */
export function formatMedianCI(medianValue: number, ci: [number, number], metric: MetricInfo) {
  return `${formatValue(medianValue, metric)} [${formatValue(ci[0], metric)}, ${formatValue(ci[1], metric)}]`;
}
