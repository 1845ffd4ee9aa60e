export default {
  name: "broken",
  model: "cma",
  hooks: { cma_alloc() { return 10 }
};
