import { describe, expect, it } from "vitest";
import { NONCONTIG_VARIANTS } from "../../src/models/noncontig/index.js";
import type { NoncontigModel } from "../../src/models/noncontig/model.js";
import { runLowMemorySuspend } from "../../src/models/noncontig/scenario.js";
import { findCanary } from "../../src/oracles/canaries.js";
import { findingSignature } from "../../src/oracles/finding.js";
import { Rng } from "../../src/sim/rng.js";
import { freshContext } from "./model-target.js";
import { NONCONTIG_RECORD_BYTES } from "./noncontig-decode.js";
import { target } from "./noncontig.fuzz.js";
import { noncontigModel } from "../../src/models/noncontig/index.js";

/** The resume scenario's trace (3 cycles, non-IOMMU, fragmented), as recorded on `variant`. */
function resumeTrace(variant: string): Record<string, unknown>[] {
  const m = noncontigModel.create(variant, freshContext()) as NoncontigModel;
  const { trace } = runLowMemorySuspend(m, Rng.seeded(7), { cycles: 3 });
  return trace.map((op) => noncontigModel.encodeOp(op));
}

describe("the alsa-noncontig-resume-hang canary on the resume scenario", () => {
  const canary = findCanary("alsa-noncontig-resume-hang");

  it("fires on every variant of its firesOn list at the first resume", () => {
    for (const variant of canary?.firesOn ?? []) {
      const f = target.replay(resumeTrace("upstream@v6.8"), variant);
      expect(f && findingSignature(f), variant).toBe("alsa-noncontig-resume-hang");
      expect(f?.evidence).toMatchObject({ outcome: "hang" });
    }
  });

  it("stays silent on every variant of its silentOn list", () => {
    expect(canary?.silentOn).toHaveLength(NONCONTIG_VARIANTS.length - 2);
    for (const variant of canary?.silentOn ?? []) {
      const f = target.replay(resumeTrace("upstream@v6.8"), variant);
      expect(f?.canary, variant).toBeUndefined();
      expect(f?.kind, variant).not.toBe("hang");
    }
  });
});

describe("the noncontig fuzz target", () => {
  it("decodes any bytes into a valid run without invariant findings or the canary on v6.8", () => {
    const rng = Rng.seeded(91);
    for (let n = 0; n < 20; n++) {
      const data = Uint8Array.from({ length: NONCONTIG_RECORD_BYTES * rng.int(1, 30) }, () =>
        rng.int(0, 255),
      );
      const { finding, trace } = target.run(data, n % 2 === 0 ? "upstream@v6.8" : "iwai-b@v6.6");
      expect(trace[0]).toMatchObject({ op: "boot" });
      expect(finding?.canary).toBeUndefined();
      expect(finding?.kind).not.toBe("invariant");
      expect(finding?.kind).not.toBe("accounting");
      expect(finding?.kind).not.toBe("overlap");
    }
  });
});
