// cma_alloc with exponential backoff and a deadline.
//
// Upstream cma_alloc (mm/cma.c) gives up after one pass over the bitmap when every candidate was
// busy (-EBUSY), so a transient pin (a direct I/O, a fork's page-table copy) fails the call.
// Goldsworthy's 2020 patches retried after a fixed msleep(100), up to 5 times or forever. This
// policy sleeps 2, 4, 8, ... 256 ms between passes and gives up once 1 s has gone by: it rides
// out transient pins and still returns in bounded time when a long-term pin blocks the area.
//
//   dmafuzz fuzz --target cma --policy examples/policies/cma-backoff-deadline.mjs \
//     --variant cma-backoff-deadline --max-time 60
//   dmafuzz bench --suite cma-pins --quick --policy examples/policies/cma-backoff-deadline.mjs
export default {
  name: "cma-backoff-deadline",
  model: "cma",
  base: "fail-fast",
  description: "Rescan after msleep(2 << n) ms, up to 256 ms, until 1 s has passed.",
  hooks: {
    // After a whole pass ended with -EBUSY: false gives up, a number sleeps that many ms and
    // rescans from bitmap index 0. args.attempt counts passes (1 after the first).
    cma_alloc(args) {
      if (args.elapsed_ns >= 1_000_000_000) return false;
      return Math.min(256, 2 ** args.attempt);
    },
  },
};
