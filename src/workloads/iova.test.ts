import { describe, expect, it } from "vitest";
import { IovaModel, type IovaResult } from "../models/iova/model.js";
import type { IovaOp } from "../models/iova/ops.js";
import { findIovaVariant } from "../models/iova/variants.js";
import { IovaOracle } from "../oracles/iova.js";
import { VirtualClock } from "../sim/clock.js";
import { Rng } from "../sim/rng.js";
import { createIovaWorkload, IOVA_WORKLOADS } from "./iova.js";

/** Drives a model with a workload; returns the ops and the oracle's findings. */
function drive(workload: string, variant: string, seed: number, ops: number) {
  const w = createIovaWorkload(workload, Rng.seeded(seed), ops);
  const config = findIovaVariant(variant);
  if (config === undefined) throw new Error(variant);
  const model = new IovaModel(config, { clock: new VirtualClock(), rng: Rng.seeded(1) });
  const oracle = new IovaOracle(model);
  const trace: IovaOp[] = [];
  const findings: string[] = [];
  for (let op = w.next(); op !== null; op = w.next()) {
    const result = model.apply(op);
    const finding = oracle.check(op, result, trace.length);
    if (finding) findings.push(finding.kind);
    trace.push(op);
    w.observe(op, result);
  }
  return { trace, findings, live: w.liveMappings };
}

describe("IOVA workloads", () => {
  it.each(IOVA_WORKLOADS)("%s is deterministic in its seed and spends its op budget", (name) => {
    const a = drive(name, "v6.7", 5, 3000);
    expect(a.trace).toHaveLength(3000);
    expect(drive(name, "v6.7", 5, 3000).trace).toEqual(a.trace);
    expect(drive(name, "v6.7", 6, 3000).trace).not.toEqual(a.trace);
  });

  it.each(IOVA_WORKLOADS)("%s frees only what it mapped, inside its limits (oracle)", (name) => {
    const { findings, trace, live } = drive(name, "v6.7", 2, 20_000);
    // Spurious failures are what the suite measures; anything else is the workload's fault.
    expect(findings.filter((kind) => kind !== "spurious-failure")).toEqual([]);
    const kinds = new Set(trace.map((op) => op.op));
    expect([...kinds].sort()).toEqual(["advance", "alloc_fast", "free_fast", "init", "reserve"]);
    expect(live).toBeGreaterThan(0);
  });

  it("maps a 64-bit PCI buffer below 4 GiB first, then at the full limit with a flush", () => {
    const w = createIovaWorkload("streaming", Rng.seeded(3), 100);
    w.observe(w.next() as IovaOp, { kind: "ok" });
    w.observe(w.next() as IovaOp, { kind: "reserve", ok: true });
    const first = w.next();
    expect(first).toMatchObject({ op: "alloc_fast", limit_pfn: 0xfffff, flush: false });
    const failed: IovaResult = {
      kind: "alloc",
      pfn: null,
      placed: null,
      fromRcache: false,
      failure: "early-fail",
      retried: false,
      flushed: null,
      nodesWalked: 0,
    };
    w.observe(first as IovaOp, failed);
    const second = w.next();
    // 48-bit aperture at 4 KiB granules.
    expect(second).toEqual({ ...first, limit_pfn: 2 ** 36 - 1, flush: true });
    w.observe(second as IovaOp, { ...failed, pfn: 4096, placed: 4096 });
    expect(w.liveMappings).toBe(1);
  });

  it("rejects an unknown workload name", () => {
    expect(() => createIovaWorkload("nope", Rng.seeded(1), 10)).toThrow(/unknown iova workload/);
  });
});
