import { describe, expect, it } from "vitest";
import { swiotlbModel } from "../models/swiotlb/index.js";
import type { SwiotlbModel } from "../models/swiotlb/model.js";
import type { MapOp, SwiotlbOp } from "../models/swiotlb/ops.js";
import { VirtualClock } from "../sim/clock.js";
import { Rng } from "../sim/rng.js";
import { findSwiotlbProfile, SWIOTLB_PROFILES, SwiotlbTraffic } from "./swiotlb.js";

function run(profile: string, variant: string, ops: number, seed = 1) {
  const traffic = new SwiotlbTraffic(findSwiotlbProfile(profile), Rng.seeded(seed), ops);
  const model = swiotlbModel.create(variant, {
    clock: new VirtualClock(),
    rng: Rng.seeded(2),
  }) as SwiotlbModel;
  const trace: SwiotlbOp[] = [];
  for (let op = traffic.next(); op !== null; op = traffic.next()) {
    trace.push(op);
    traffic.observe(op, model.apply(op));
  }
  return { trace, model };
}

describe("swiotlb workloads", () => {
  it("RPi4 frames bounce only segments above the 1 GiB limit, 4 KiB to 1 MiB each, and cover the frame", () => {
    const { trace } = run("rpi4-1080p", "v6.9", 3000);
    const maps = trace.filter((op): op is MapOp => op.op === "map");
    expect(maps.length).toBeGreaterThan(100);
    for (const m of maps) {
      expect(m.orig + m.size - 1).toBeGreaterThan(2 ** 30 - 1);
      expect(m.dma_limit).toBe(2 ** 30 - 1);
      expect(m.size).toBeGreaterThanOrEqual(4096);
      expect(m.size).toBeLessThanOrEqual(2 ** 20);
    }
    // About three quarters of a 4 GiB machine lie above 1 GiB: so do the bounced bytes of a frame.
    const firstFrame = trace.slice(
      1,
      trace.findIndex((op) => op.op === "advance"),
    );
    const bytes = firstFrame.reduce((sum, op) => sum + (op.op === "map" ? op.size : 0), 0);
    expect(bytes / (1920 * 1080 * 4)).toBeGreaterThan(0.6);
    expect(bytes / (1920 * 1080 * 4)).toBeLessThan(0.9);
  });

  it("every workload unmaps only what it mapped, and the pools balance", () => {
    for (const profile of SWIOTLB_PROFILES) {
      const { trace, model } = run(profile.name, "v6.9-dynamic", 1500);
      expect(trace[0]).toMatchObject({ op: "init" });
      expect(model.check(), profile.name).toEqual([]);
    }
  });

  it("is deterministic in its seed", () => {
    expect(run("nvme", "v6.9", 500, 7).trace).toEqual(run("nvme", "v6.9", 500, 7).trace);
    expect(run("nvme", "v6.9", 500, 7).trace).not.toEqual(run("nvme", "v6.9", 500, 8).trace);
  });
});
