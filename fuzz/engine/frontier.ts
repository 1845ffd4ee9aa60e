/**
 * IJON-style maxima scheduling: for each progress measure a target reports (state features named
 * `max:<measure>`, whose values are a run's running maximum), the corpus input holding the
 * highest value seen so far. The engine fuzzes these holders often and lets their mutants grow
 * past the length limit: deep states are reached by extending the input that got furthest, one
 * step at a time, as IJON does with its `IJON_MAX` slots.
 */
import type { CorpusEntry } from "./corpus.js";
import { stateFeatureId } from "./features.js";

/** The holder of each progress measure's highest value. */
export class Frontier {
  /** State-feature slots that are progress maxima. */
  readonly #slots: Int32Array;
  readonly #best: Int32Array;
  readonly #holders: (CorpusEntry | undefined)[];
  /** Holders in slot order, without gaps (what {@link pick} draws from). */
  #active: CorpusEntry[] = [];

  /** `stateFeatures`: the target's state-feature names, indexed by slot. */
  constructor(stateFeatures: readonly string[]) {
    const slots: number[] = [];
    stateFeatures.forEach((name, slot) => {
      if (name.startsWith("max:")) slots.push(slot);
    });
    this.#slots = Int32Array.from(slots);
    this.#best = new Int32Array(slots.length).fill(-1);
    this.#holders = new Array<CorpusEntry | undefined>(slots.length);
  }

  /** Number of measures that have a holder. */
  get size(): number {
    return this.#active.length;
  }

  /**
   * Updates the holders from a kept input's state-feature ids (`slot * 256 + value`): the entry
   * becomes the holder of each measure whose maximum it raised.
   */
  offer(entry: CorpusEntry, stateIds: ArrayLike<number>, count: number): void {
    const slots = this.#slots;
    if (slots.length === 0) return;
    let changed = false;
    for (let i = 0; i < count; i++) {
      const id = stateIds[i]!;
      const slot = id >>> 8;
      for (let k = 0; k < slots.length; k++) {
        if (slots[k] !== slot) continue;
        const value = id - stateFeatureId(slot, 0);
        if (value > this.#best[k]!) {
          this.#best[k] = value;
          this.#holders[k] = entry;
          changed = true;
        }
      }
    }
    if (changed) this.#active = this.#holders.filter((e): e is CorpusEntry => e !== undefined);
  }

  /** A holder drawn uniformly by `below(n)`; throws when there is none. */
  pick(below: (n: number) => number): CorpusEntry {
    const holders = this.#active;
    if (holders.length === 0) throw new RangeError("Frontier.pick() without holders");
    return holders[below(holders.length)]!;
  }

  /** The highest value of each measure so far (-1: never reported), by measure name order. */
  maxima(): number[] {
    return [...this.#best];
  }
}
