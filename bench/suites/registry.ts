/**
 * Every benchmark suite, by name, loaded on demand: a worker imports only the suite it runs, and
 * the suites of models still being built cost nothing until they are listed here.
 */
import type { AnySuite } from "./suite.js";

const loaders: Readonly<Record<string, () => Promise<{ suite: AnySuite }>>> = {
  "alsa-resume": () => import("./alsa-resume.js"),
  "cma-pins": () => import("./cma-pins.js"),
  "swiotlb-dynamic": () => import("./swiotlb-dynamic.js"),
  "swiotlb-reach": () => import("./swiotlb-reach.js"),
  "iova-longrun": () => import("./iova-longrun.js"),
  "atomic-pool-boot": () => import("./atomic-pool-boot.js"),
};

/** The names of all suites, in the order `--suite all` runs them. */
export const SUITE_NAMES: readonly string[] = Object.keys(loaders);

/** Loads suite `name`; throws RangeError on an unknown name. */
export async function loadSuite(name: string): Promise<AnySuite> {
  const loader = Object.hasOwn(loaders, name) ? loaders[name] : undefined;
  if (loader === undefined) {
    throw new RangeError(`unknown suite '${name}' (known: ${SUITE_NAMES.join(", ")}, all)`);
  }
  return (await loader()).suite;
}
