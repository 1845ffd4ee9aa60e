/**
 * The fuzz target of the toy allocator (./toy-allocator.ts): bytes become a valid alloc/free
 * sequence (frees consume handles of live blocks), each op is checked against a reference slot
 * map for overlap and for the free-slot accounting. Variant `planted` carries the two planted
 * bugs, `fixed` none. Input: a 4-byte header (byte 0 picks 16, 32, 48 or 64 slots), then 4-byte
 * op records: byte 0 bit 0 = alloc (0) or free (1); byte 1 = size - 1 (mod 16) or which live
 * block to free.
 */
import { type Finding, FindingError } from "../../src/oracles/finding.js";
import type { FuzzTarget, StateFeatureSink, TargetRun } from "../engine/target.js";
import { ToyAllocator } from "./toy-allocator.js";

/** A toy trace op: `init` first, then allocs and frees naming blocks by allocation id. */
type ToyOp =
  | { op: "init"; slots: number }
  | { op: "alloc"; id: number; size: number }
  | { op: "free"; id: number };

const VARIANTS = ["planted", "fixed"] as const;
const STATE_FEATURES = ["live-blocks", "free-extents", "free-streak", "largest-extent"] as const;
const OP_BYTES = 4;

/** One run: the allocator, a reference slot map, and the oracles comparing them after each op. */
class ToySession {
  readonly trace: ToyOp[] = [];
  readonly #toy: ToyAllocator;
  /** Reference owner of each slot: 0 free, else allocation id + 1. */
  readonly #owner: Uint32Array;
  readonly #live = new Map<number, { start: number; size: number }>();
  /** Live ids in allocation order, so a byte can pick one. */
  readonly liveIds: number[] = [];
  #referenceFree: number;
  nextId = 0;

  constructor(
    readonly variant: string,
    slots: number,
    private readonly sink?: StateFeatureSink,
  ) {
    this.#toy = new ToyAllocator(slots, variant === "planted");
    this.#owner = new Uint32Array(slots);
    this.#referenceFree = slots;
    this.trace.push({ op: "init", slots });
  }

  /** Applies one op and returns the first oracle violation, or null. */
  apply(op: Exclude<ToyOp, { op: "init" }>): Finding | null {
    this.trace.push(op);
    if (op.op === "alloc") return this.#alloc(op.id, op.size);
    const block = this.#live.get(op.id);
    if (block === undefined) return null; // the alloc failed, or a minimized trace dropped it
    this.#live.delete(op.id);
    this.liveIds.splice(this.liveIds.indexOf(op.id), 1);
    this.#toy.free(block.start, block.size);
    for (let s = block.start; s < block.start + block.size; s++) this.#owner[s] = 0;
    this.#referenceFree += block.size;
    return this.#afterOp();
  }

  #alloc(id: number, size: number): Finding | null {
    if (this.#live.has(id)) throw new RangeError(`toy trace: block ${id} is already live`);
    const start = this.#toy.alloc(size);
    if (start >= 0) {
      for (let s = start; s < start + size; s++) {
        const owner = this.#owner[s]!;
        if (owner !== 0) {
          return this.#finding(
            "overlap",
            "alloc-overlaps-live",
            `alloc ${id} overlaps ${owner - 1}`,
            {
              slot: s,
              start,
              size,
              live: owner - 1,
            },
          );
        }
        this.#owner[s] = id + 1;
      }
      this.#live.set(id, { start, size });
      this.liveIds.push(id);
      this.#referenceFree -= size;
    }
    return this.#afterOp();
  }

  #afterOp(): Finding | null {
    const toy = this.#toy;
    this.sink?.add(0, this.#live.size);
    this.sink?.add(1, toy.extentCount);
    this.sink?.add(2, toy.streak);
    this.sink?.add(3, toy.largestExtent >> 2);
    if (toy.freeSlots === this.#referenceFree) return null;
    return this.#finding("accounting", "free-slots-counter", "free slot counter is wrong", {
      counted: toy.freeSlots,
      actual: this.#referenceFree,
    });
  }

  #finding(
    kind: Finding["kind"],
    site: string,
    message: string,
    evidence: Record<string, unknown>,
  ): Finding {
    return {
      kind,
      model: "toy",
      variant: this.variant,
      opIndex: this.trace.length - 1,
      site,
      message,
      evidence,
    };
  }
}

function requireVariant(variant: string): void {
  if (!(VARIANTS as readonly string[]).includes(variant)) {
    throw new RangeError(`toy: unknown variant '${variant}' (${VARIANTS.join(", ")})`);
  }
}

function run(data: Uint8Array, variant: string, features?: StateFeatureSink): TargetRun {
  requireVariant(variant);
  const slots = 16 * (1 + ((data[0] ?? 0) & 3));
  const session = new ToySession(variant, slots, features);
  for (let at = OP_BYTES; at + OP_BYTES <= data.length; at += OP_BYTES) {
    const kind = data[at]! & 1;
    const arg = data[at + 1]!;
    let finding: Finding | null = null;
    if (kind === 0) {
      finding = session.apply({ op: "alloc", id: session.nextId++, size: 1 + (arg & 15) });
    } else if (session.liveIds.length > 0) {
      finding = session.apply({ op: "free", id: session.liveIds[arg % session.liveIds.length]! });
    }
    if (finding !== null) return { finding, trace: session.trace };
  }
  return { finding: null, trace: session.trace };
}

function field(op: Record<string, unknown>, key: string, min: number, max: number): number {
  const value = op[key];
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`toy trace: field "${key}" must be an integer in [${min}, ${max}]`);
  }
  return value;
}

function replay(trace: readonly Record<string, unknown>[], variant: string): Finding | null {
  requireVariant(variant);
  const [init, ...ops] = trace;
  if (init?.op !== "init") throw new RangeError("toy trace: the first op must be init");
  const session = new ToySession(variant, field(init, "slots", 1, 1 << 16));
  for (const op of ops) {
    const id = field(op, "id", 0, Number.MAX_SAFE_INTEGER);
    let finding: Finding | null;
    if (op.op === "alloc")
      finding = session.apply({ op: "alloc", id, size: field(op, "size", 1, 1 << 16) });
    else if (op.op === "free") finding = session.apply({ op: "free", id });
    else throw new RangeError(`toy trace: unknown op ${JSON.stringify(op.op)}`);
    if (finding !== null) return finding;
  }
  return null;
}

/** The toy allocator's fuzz target. */
export const target: FuzzTarget = {
  name: "toy",
  variants: VARIANTS,
  defaultVariant: "planted",
  opBytes: OP_BYTES,
  stateFeatures: STATE_FEATURES,
  run,
  replay,
};

/**
 * The common entry point (jsfuzz, Jazzer.js): runs `data` on $DMAFUZZ_VARIANT (default `planted`)
 * and throws a FindingError on a finding.
 */
export function fuzz(data: Buffer): void {
  const result = run(data, process.env.DMAFUZZ_VARIANT || target.defaultVariant);
  if (result.finding !== null) throw new FindingError(result.finding, result.trace);
}
