// A hook that throws on its second pass.
export default {
  name: "throws",
  model: "cma",
  base: "fail-fast",
  hooks: {
    cma_alloc(args) {
      if (args.attempt > 1) throw new Error("out of ideas");
      return 10;
    },
  },
};
