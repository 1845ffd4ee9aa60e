/**
 * The simulation ground layer: virtual clock, seeded splittable RNG, JSONL trace codec, atomic
 * file writes and exact integer helpers. (u64/pfn helpers live in ./u64.js.)
 */
export * from "./atomic-write.js";
export * from "./clock.js";
export * from "./jsonl.js";
export * from "./muldiv.js";
export * from "./require-int.js";
export * from "./rng.js";
