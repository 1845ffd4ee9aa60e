/**
 * Resume trials for the `alsa-resume` benchmark: the power_LowMemorySuspend scenario of the
 * noncontig model (src/models/noncontig/scenario.ts, spec 2.3) run for a number of resumes.
 * A hung resume is what the DPM watchdog turns into a reboot, so the trial goes on as the fleet
 * does: a fresh boot (a new model, tabs opened again) and the remaining resumes on it.
 */
import { type NoncontigModel, noncontigModel } from "../models/noncontig/index.js";
import type { IommuKind } from "../models/noncontig/device.js";
import { type CycleOutcome, runLowMemorySuspend } from "../models/noncontig/scenario.js";
import { VirtualClock } from "../sim/clock.js";
import type { Rng } from "../sim/rng.js";
import { drawAlsaMachine, runAlsaMachine } from "./alsa-fleet.js";

/** The sampled workloads (./alsa-fleet.ts): fleets of machines per IOMMU setup. */
export const ALSA_FLEET_WORKLOADS: readonly {
  name: string;
  iommu: IommuKind;
  description: string;
}[] = [
  {
    name: "fleet-no-iommu",
    iommu: "none",
    description:
      "Sampled Chromebooks without an IOMMU (dma-direct, the JasperLake case): RAM, zram, swap use, tab churn and its trim stride, long-lived holders of firmware-order blocks, page cache, resume-time GFP_ATOMIC competition, firmware size and device mask drawn per trial (src/workloads/alsa-fleet.ts), memory pressure uniform in [0, 1]",
  },
  {
    name: "fleet-vtd",
    iommu: "vtd",
    description:
      "The same sampled machines behind Intel VT-d (pgsize bitmap 4K|2M|1G: the buffer is single pages with the caller's flags)",
  },
  {
    name: "fleet-amd",
    iommu: "amd",
    description:
      "The same sampled machines behind an AMD v1 IOMMU (every page size: __GFP_NORETRY above the smallest order, the caller's flags at order 0)",
  },
];

/** The scripted scenarios: one machine and history per IOMMU setup, for reproduction and tests. */
export const ALSA_RESUME_SCENARIOS: readonly {
  name: string;
  iommu: IommuKind;
  description: string;
}[] = [
  {
    name: "no-iommu",
    iommu: "none",
    description:
      "The ChromeOS JasperLake case: no IOMMU (dma-direct), 512 MiB RAM and 256 MiB zram half used, 15 tab switches per cycle, long-lived kernel users holding every free block of the firmware order before each suspend, then a 128-page (512 KiB) SOF firmware buffer allocated at resume from an async PM kworker with IO masked",
  },
  {
    name: "iommu-vtd",
    iommu: "vtd",
    description:
      "The same cycles behind Intel VT-d (pgsize bitmap 4K|2M|1G, so the 128-page buffer is 128 order-0 calls)",
  },
  {
    name: "iommu-amd",
    iommu: "amd",
    description:
      "The same cycles behind an AMD v1 IOMMU (every page size, so the backoff starts at order 7 with __GFP_NORETRY)",
  },
];

/** Every resume of a trial, and how many boots it took. */
export interface ResumeTrial {
  resumes: CycleOutcome[];
  boots: number;
}

/**
 * Runs `resumes` resume cycles of `variant` on one sampled machine of `iommu` (p pinned by a
 * sweep's `pressure`), rebooting it after each hang. The machine is drawn from its own stream,
 * so every variant of a seed runs on the same machine with the same history.
 */
export function runFleetTrial(
  variant: string,
  iommu: IommuKind,
  resumes: number,
  rng: Rng,
  pressure?: number,
): ResumeTrial {
  const machine = drawAlsaMachine(rng.split("machine"), iommu, pressure);
  const out: CycleOutcome[] = [];
  let boots = 0;
  while (out.length < resumes) {
    const model = noncontigModel.create(variant, {
      clock: new VirtualClock(),
      rng: rng.split(`model-${boots}`),
    }) as NoncontigModel;
    const cycles = runAlsaMachine(
      model,
      machine,
      rng.split(`history-${boots}`),
      resumes - out.length,
    );
    boots++;
    if (cycles.length === 0) throw new Error(`${variant}: the machine ran no resume`);
    out.push(...cycles);
  }
  return { resumes: out, boots };
}

/** Runs `resumes` resume cycles of `variant` on `iommu`, rebooting after each hang. */
export function runResumeTrial(
  variant: string,
  iommu: IommuKind,
  resumes: number,
  rng: Rng,
): ResumeTrial {
  const out: CycleOutcome[] = [];
  let boots = 0;
  while (out.length < resumes) {
    const model = noncontigModel.create(variant, {
      clock: new VirtualClock(),
      rng: rng.split(`model-${boots}`),
    }) as NoncontigModel;
    const { cycles } = runLowMemorySuspend(model, rng.split(`scenario-${boots}`), {
      iommu,
      cycles: resumes - out.length,
    });
    boots++;
    // A scenario always runs at least one resume (the fill phase is bounded), so this ends.
    if (cycles.length === 0) throw new Error(`${variant}: the scenario ran no resume`);
    out.push(...cycles);
  }
  return { resumes: out, boots };
}
