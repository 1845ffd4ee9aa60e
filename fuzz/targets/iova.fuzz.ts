/**
 * Fuzz target for the IOVA model. `fuzz(data)` follows the jsfuzz / Jazzer.js convention (throws
 * on a finding; the variant comes from DMAFUZZ_VARIANT); `target` is what dmafuzz's engine drives.
 */
import { iovaModel } from "../../src/models/iova/index.js";
import { IovaModel } from "../../src/models/iova/model.js";
import type { IovaOp } from "../../src/models/iova/ops.js";
import { findIovaVariant, IOVA_VARIANTS } from "../../src/models/iova/variants.js";
import { type Finding, FindingError } from "../../src/oracles/finding.js";
import { IovaOracle } from "../../src/oracles/iova.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { Rng } from "../../src/sim/rng.js";
import type { FuzzTarget, StateFeatureSink, TargetRun } from "../engine/target.js";
import { IOVA_RECORD_BYTES, IovaDecoder } from "./iova-decode.js";
import { Records } from "./records.js";

/** One model and its oracle, stepping op by op. */
class IovaSession {
  readonly model: IovaModel;
  readonly oracle: IovaOracle;
  readonly trace: Record<string, unknown>[] = [];

  constructor(variant: string) {
    const config = findIovaVariant(variant);
    if (config === undefined) throw new RangeError(`unknown iova variant "${variant}"`);
    this.model = new IovaModel(config, { clock: new VirtualClock(), rng: Rng.seeded(1) });
    this.oracle = new IovaOracle(this.model);
  }

  step(op: IovaOp, sink?: StateFeatureSink): { pfn: number | null; finding: Finding | null } {
    const index = this.trace.length;
    this.trace.push(iovaModel.encodeOp(op));
    const result = this.model.apply(op);
    if (sink) {
      let slot = 0;
      for (const value of Object.values(this.model.features())) sink.add(slot++, value);
    }
    return {
      pfn: result.kind === "alloc" ? result.pfn : null,
      finding: this.oracle.check(op, result, index),
    };
  }

  finish(): Finding | null {
    return this.oracle.invariants(this.trace.length - 1);
  }
}

function run(data: Uint8Array, variant: string, sink?: StateFeatureSink): TargetRun {
  const session = new IovaSession(variant);
  const records = new Records(data, IOVA_RECORD_BYTES);
  const decoder = new IovaDecoder(records, session.model.config);
  session.step(decoder.init, sink);
  for (let i = 0; i < records.ops; i++) {
    const op = decoder.op(i);
    if (op === null) continue;
    const { pfn, finding } = session.step(op, sink);
    if (finding) return { finding, trace: session.trace };
    decoder.allocatedAt(op, pfn);
  }
  return { finding: session.finish(), trace: session.trace };
}

function replay(trace: readonly Record<string, unknown>[], variant: string): Finding | null {
  const session = new IovaSession(variant);
  for (const [i, fields] of trace.entries()) {
    const op = iovaModel.decodeOp({ file: "<trace>", line: i + 1, fields });
    const { finding } = session.step(op);
    if (finding) return finding;
  }
  return session.finish();
}

/** The IOVA target for dmafuzz's engine. */
export const target: FuzzTarget = {
  name: "iova",
  variants: IOVA_VARIANTS.map((v) => v.name),
  defaultVariant: iovaModel.defaultVariant,
  opBytes: IOVA_RECORD_BYTES,
  stateFeatures: Object.keys(new IovaSession(iovaModel.defaultVariant).model.features()),
  run,
  replay,
};

/** The common fuzz entry point: throws a FindingError on a finding. */
export function fuzz(data: Buffer): void {
  const variant = process.env.DMAFUZZ_VARIANT ?? target.defaultVariant;
  const { finding, trace } = run(data, variant);
  if (finding) throw new FindingError(finding, trace);
}
