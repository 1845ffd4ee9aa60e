/**
 * The campaign's shared board: one SharedArrayBuffer that every worker writes its heartbeat into
 * and the main thread reads. Before each execution a worker stores the input (a length and a
 * memcpy) and bumps its counters; nothing else crosses threads per execution. So when a worker
 * hangs or dies, the main thread still holds the input that did it, and the campaign-wide
 * execution count is a sum of plain memory reads from any thread.
 *
 * Layout (bytes): header [slots i32, capacity i32, stop i32, pad i32, baseExecs f64], then per
 * slot [execs f64, beats f64, phase i32, length i32, policy hook i32, pad i32, input bytes
 * (capacity, padded to 8)]. The policy hook field is the id of the user's policy hook running
 * now (0 for none), so that a hook that never returns is named when the worker is stopped.
 */

/** What a worker is doing, as the main thread sees it. */
export const Phase = { starting: 0, running: 1, done: 2 } as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

const HEADER_BYTES = 24;
const SLOT_HEADER_BYTES = 32;

function slotBytes(capacity: number): number {
  return SLOT_HEADER_BYTES + Math.ceil(capacity / 8) * 8;
}

/** One worker slot's heartbeat: written by its worker, read by the main thread. */
export class HeartbeatSlot {
  /** [execs, beats]: executions of the target, and executions plus replays. */
  readonly #counts: Float64Array;
  /** [phase, input length, policy hook id]. */
  readonly #ints: Int32Array;
  readonly #input: Uint8Array;

  constructor(buffer: SharedArrayBuffer, offset: number, capacity: number) {
    this.#counts = new Float64Array(buffer, offset, 2);
    this.#ints = new Int32Array(buffer, offset + 16, 3);
    this.#input = new Uint8Array(buffer, offset + SLOT_HEADER_BYTES, capacity);
  }

  /** Worker, before each execution: records the input and counts the execution. */
  beginRun(input: Uint8Array): void {
    const slot = this.#input;
    // A plain loop: inputs are short, and set() costs more than the copy for them.
    const length = Math.min(input.length, slot.length);
    for (let i = 0; i < length; i++) slot[i] = input[i]!;
    this.#ints[1] = input.length;
    this.#counts[0]!++;
    this.#counts[1]!++;
  }

  /** Worker, before a replay (minimizing a finding): progress that is not an execution. */
  beat(): void {
    this.#counts[1]!++;
  }

  /** Executions of the slot's current worker. */
  get execs(): number {
    return this.#counts[0]!;
  }

  /** Executions plus replays: unchanged for a while means the worker is stuck. */
  get beats(): number {
    return this.#counts[1]!;
  }

  get phase(): Phase {
    return this.#ints[0] as Phase;
  }

  set phase(phase: Phase) {
    Atomics.store(this.#ints, 0, phase);
  }

  /** Worker: the one-element view the policy guard writes its running hook's id into. */
  hookView(): Int32Array {
    return this.#ints.subarray(2, 3);
  }

  /** Main thread: the id of the policy hook the worker is in (0 for none). */
  get hookInProgress(): number {
    return Atomics.load(this.#ints, 2);
  }

  /** Main thread: the last input begun (a copy), and whether it was longer than the slot holds. */
  lastInput(): { input: Uint8Array; truncated: boolean } {
    const length = this.#ints[1]!;
    return {
      input: this.#input.slice(0, Math.min(length, this.#input.length)),
      truncated: length > this.#input.length,
    };
  }

  /** Main thread, before starting a replacement worker in this slot. */
  reset(): void {
    this.#counts.fill(0);
    this.#ints.fill(0);
  }
}

/** The whole board: a stop flag, the executions of finished workers, and one slot per worker. */
export class Board {
  readonly buffer: SharedArrayBuffer;
  readonly #header: Int32Array;
  readonly #base: Float64Array;
  readonly #slots: HeartbeatSlot[] = [];

  /** A board for `slots` workers whose inputs are at most `capacity` bytes. */
  static create(slots: number, capacity: number): Board {
    const buffer = new SharedArrayBuffer(HEADER_BYTES + slots * slotBytes(capacity));
    const header = new Int32Array(buffer, 0, 2);
    header[0] = slots;
    header[1] = capacity;
    return new Board(buffer);
  }

  /** Views a board created by {@link Board.create} (e.g. in a worker). */
  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#header = new Int32Array(buffer, 0, 4);
    this.#base = new Float64Array(buffer, 16, 1);
    const [slots, capacity] = [this.#header[0]!, this.#header[1]!];
    for (let i = 0; i < slots; i++) {
      this.#slots.push(new HeartbeatSlot(buffer, HEADER_BYTES + i * slotBytes(capacity), capacity));
    }
  }

  slot(index: number): HeartbeatSlot {
    const slot = this.#slots[index];
    if (slot === undefined) throw new RangeError(`no heartbeat slot ${index}`);
    return slot;
  }

  get slotCount(): number {
    return this.#slots.length;
  }

  /** Main thread: asks every worker to stop after its current execution. */
  requestStop(): void {
    Atomics.store(this.#header, 2, 1);
  }

  get stopRequested(): boolean {
    return Atomics.load(this.#header, 2) !== 0;
  }

  /** Executions not in any live slot: earlier sessions and replaced workers (main thread writes). */
  get baseExecs(): number {
    return this.#base[0]!;
  }

  set baseExecs(value: number) {
    this.#base[0] = value;
  }

  /** Campaign-wide executions: the base plus every slot's. */
  totalExecs(): number {
    let sum = this.#base[0]!;
    for (const slot of this.#slots) sum += slot.execs;
    return sum;
  }

  /** Main thread: moves a finished worker's executions into the base and clears its slot. */
  retire(index: number): number {
    const slot = this.slot(index);
    const execs = slot.execs;
    this.#base[0] = this.#base[0]! + execs;
    slot.reset();
    return execs;
  }
}
