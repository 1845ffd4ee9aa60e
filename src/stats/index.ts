/** Statistics for fuzzing time-to-bug and benchmark comparisons. */
export { bootstrapCI, type BootstrapOptions } from "./bootstrap.js";
export { a12Magnitude, type MannWhitney, mannWhitneyU, varghaDelaneyA12 } from "./compare.js";
export { normalCdf } from "./normal.js";
export { median, quantile, type Summary, summarize } from "./summary.js";
export { type Comparison, compare } from "./verdict.js";
