/**
 * Every benchmark suite, by name, loaded on demand: a worker imports only the suite it runs, and
 * the suites of models still being built cost nothing until they are listed here.
 */
import type { Suite } from "./suite.js";

const loaders: Readonly<Record<string, () => Promise<{ suite: Suite }>>> = {
  "iova-longrun": () => import("./iova-longrun.js"),
  "swiotlb-dynamic": () => import("./swiotlb-dynamic.js"),
};

/** The names of all suites, in the order `--suite all` runs them. */
export const SUITE_NAMES: readonly string[] = Object.keys(loaders);

/** Loads suite `name`; throws RangeError on an unknown name. */
export async function loadSuite(name: string): Promise<Suite> {
  const loader = Object.hasOwn(loaders, name) ? loaders[name] : undefined;
  if (loader === undefined) {
    throw new RangeError(`unknown suite '${name}' (known: ${SUITE_NAMES.join(", ")}, all)`);
  }
  return (await loader()).suite;
}
