// A hook that reads the wall clock.
export default {
  name: "wall-clock",
  model: "cma",
  base: "fail-fast",
  hooks: { cma_alloc: () => (Date.now() % 2 === 0 ? 10 : false) },
};
