/** Memory readings after a full GC, for the memory microbenchmarks (node --expose-gc). */
export function settledMemory(): NodeJS.MemoryUsage {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run node with --expose-gc to measure memory");
  gc();
  gc();
  return process.memoryUsage();
}
