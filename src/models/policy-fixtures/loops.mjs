// A hook that never returns.
export default {
  name: "loops",
  model: "cma",
  base: "fail-fast",
  hooks: {
    cma_alloc() {
      for (;;);
    },
  },
};
