// A hook that returns a negative sleep.
export default {
  name: "garbage",
  model: "cma",
  base: "fail-fast",
  hooks: { cma_alloc: () => -5 },
};
