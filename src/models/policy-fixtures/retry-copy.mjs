// The built-in retry-5x100ms (src/models/cma/policy.ts, retryHooks(5, 100)) copied into a file.
export default {
  name: "retry-copy",
  model: "cma",
  base: "fail-fast",
  hooks: {
    cma_alloc: (a) => (a.attempt - 1 < 5 ? 100 : false),
    cma_alloc_busy: () => "next",
  },
};
