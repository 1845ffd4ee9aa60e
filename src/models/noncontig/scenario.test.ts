import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../sim/clock.js";
import { Rng } from "../../sim/rng.js";
import { noncontigModel } from "./index.js";
import type { NoncontigModel } from "./model.js";
import { type CycleOutcome, runLowMemorySuspend } from "./scenario.js";
import type { IommuKind } from "./device.js";

function scenario(variant: string, iommu: IommuKind, fragment = true) {
  const m = noncontigModel.create(variant, {
    clock: new VirtualClock(),
    rng: Rng.seeded(1),
  }) as NoncontigModel;
  const run = runLowMemorySuspend(m, Rng.seeded(7), { iommu, fragment, cycles: 4 });
  expect(m.check()).toEqual([]);
  return { m, ...run };
}

const outcomes = (cycles: CycleOutcome[]) => cycles.map((c) => c.outcome);

describe("issue 7 acceptance: power_LowMemorySuspend resume cycles under fragmentation", () => {
  it("upstream@v6.6 without IOMMU hangs at the first resume: mechanism A in dma_alloc_noncontiguous", () => {
    const { cycles, m } = scenario("upstream@v6.6", "none");
    expect(outcomes(cycles)).toEqual(["hang"]);
    expect(cycles[0]?.path).toBe("noncontig");
    expect(cycles[0]?.latencyNs).toBeGreaterThanOrEqual(120e9);
    // The swap is half used, as the autotest requires before it starts cycling.
    expect(m.pages.mm.swapFree).toBeLessThanOrEqual((256 * 256) / 2);
  });

  it("the IOMMU path never hangs, on either page allocator (VT-d and AMD bitmaps)", () => {
    for (const variant of ["upstream@v6.6", "upstream@v6.8"])
      for (const iommu of ["vtd", "amd"] as const) {
        const { cycles } = scenario(variant, iommu);
        expect(outcomes(cycles), `${variant} ${iommu}`).toEqual(["ok", "ok", "ok", "ok"]);
        expect(cycles.every((c) => c.path === "noncontig")).toBe(true);
      }
  });

  it("upstream@v6.8: the non-IOMMU request fails fast and the SG fallback delivers the buffer", () => {
    const { cycles } = scenario("upstream@v6.8", "none");
    expect(outcomes(cycles)).toEqual(["ok", "ok", "ok", "ok"]);
    for (const c of cycles) {
      expect(c.path).toBe("fallback");
      expect(c.chunks).toBeGreaterThan(1);
      expect(c.latencyNs).toBeLessThan(1e9);
    }
  });

  it("noretry-nonIOMMU, iwai-a and iwai-b never hang on either page allocator", () => {
    for (const policy of ["noretry-nonIOMMU", "iwai-a", "iwai-b"])
      for (const pa of ["v6.6", "v6.8"])
        for (const iommu of ["none", "vtd"] as const) {
          const { cycles } = scenario(`${policy}@${pa}`, iommu);
          expect(outcomes(cycles), `${policy}@${pa} ${iommu}`).not.toContain("hang");
          expect(cycles).toHaveLength(4);
        }
  });

  it("Xen PV hangs on v6.6 through its __GFP_RETRY_MAYFAIL coherent chunks, not on v6.8", () => {
    expect(outcomes(scenario("xen-pv@v6.6", "none").cycles)).toEqual(["hang"]);
    expect(outcomes(scenario("xen-pv@v6.8", "none").cycles)).not.toContain("hang");
  });

  it("without the fragmentation the firmware-order block exists and upstream@v6.6 resumes", () => {
    expect(outcomes(scenario("upstream@v6.6", "none", false).cycles)).toEqual([
      "ok",
      "ok",
      "ok",
      "ok",
    ]);
  });
});
