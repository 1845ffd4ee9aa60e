export default {
  name: "unknown-hook",
  model: "cma",
  base: "fail-fast",
  hooks: { cma_retry: () => 10 },
};
