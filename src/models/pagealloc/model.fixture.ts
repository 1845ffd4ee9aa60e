/** Test fixture: a page allocator model of one variant, booted as `boot` says. */
import { VirtualClock } from "../../sim/clock.js";
import { Rng } from "../../sim/rng.js";
import { pagealloc } from "./index.js";
import type { PageallocModel } from "./model.js";
import type { BootOp } from "./ops.js";

/** The boot op's defaults: 1 GiB of x86_64, no swap, no CMA, the 120 s hang bound. */
const DEFAULT_BOOT: BootOp = {
  op: "boot",
  layout: "x86_64",
  ram_mib: 1024,
  swap_mib: 0,
  cma_mib: 0,
  hang_ms: 120_000,
};

/** A fresh model of `variant` (seeded clock and RNG) booted with `boot` over the defaults. */
export function bootedModel(
  variant: string,
  boot: Partial<Omit<BootOp, "op">> = {},
): PageallocModel {
  const m = pagealloc.create(variant, {
    clock: new VirtualClock(),
    rng: Rng.seeded(1),
  }) as PageallocModel;
  m.apply({ ...DEFAULT_BOOT, ...boot });
  return m;
}
