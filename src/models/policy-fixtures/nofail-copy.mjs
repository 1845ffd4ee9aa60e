// The built-in nofail (src/models/cma/policy.ts, nofailHooks(100)) copied into a file.
export const policy = {
  name: "nofail-copy",
  model: "cma",
  base: "fail-fast",
  hooks: {
    cma_alloc: () => 100,
    cma_alloc_busy: () => "next",
  },
};
