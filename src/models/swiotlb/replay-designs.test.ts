import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { thisPackage } from "../../paths.js";
import { VirtualClock } from "../../sim/clock.js";
import { formatJsonl, parseJsonl } from "../../sim/jsonl.js";
import { Rng } from "../../sim/rng.js";
import { findSwiotlbProfile, SwiotlbTraffic } from "../../workloads/swiotlb.js";
import { replayRecords } from "../replay.js";
import { swiotlbModel } from "./index.js";
import type { SwiotlbModel } from "./model.js";

const bin = join(thisPackage().root, "dist", "src", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "dmafuzz-swiotlb-"));

/** A workload run on `variant` as a JSONL trace without expectations, ending in a dump. */
function workloadTrace(variant: string, profile: string, ops: number): string {
  const traffic = new SwiotlbTraffic(findSwiotlbProfile(profile), Rng.seeded(5), ops);
  const model = swiotlbModel.create(variant, {
    clock: new VirtualClock(),
    rng: Rng.seeded(1),
  }) as SwiotlbModel;
  const lines: Record<string, unknown>[] = [];
  for (let op = traffic.next(); op !== null; op = traffic.next()) {
    lines.push(swiotlbModel.encodeOp(op));
    traffic.observe(op, model.apply(op));
  }
  lines.push({ op: "dump" });
  return formatJsonl(lines);
}

describe("JSONL traces of the dynamic designs", () => {
  it.each([
    ["v6.9-dynamic", "nvme"],
    ["rfc-v1", "rpi4-1080p"],
  ])(
    "%s on %s: recorded, then replayed by `dmafuzz replay` with no mismatch",
    (variant, profile) => {
      const raw = parseJsonl(workloadTrace(variant, profile, 1200), "raw.jsonl");
      const recorded = replayRecords(swiotlbModel, variant, raw);
      expect(recorded.kind).toBe("recorded");
      if (recorded.kind !== "recorded") return;
      const file = join(dir, `${variant}.jsonl`);
      writeFileSync(file, formatJsonl(recorded.trace));
      const run = (v: string) =>
        spawnSync(process.execPath, [bin, "replay", "--model", "swiotlb", "--variant", v, file], {
          encoding: "utf8",
        });
      const ok = run(variant);
      expect(ok.stdout).toContain(`${file}: ok (${raw.length} ops)`);
      expect(ok.status).toBe(0);
      // The static kernel takes other paths on the same ops: the trace tells them apart.
      expect(run("v6.9").status).toBe(1);
    },
  );
});
