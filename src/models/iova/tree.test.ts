import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IovaTree, NIL } from "./tree.js";
import { validateTree } from "./tree-check.js";

type Step = { kind: "insert"; lo: number } | { kind: "erase"; pick: number };

const steps = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant("insert" as const), lo: fc.integer({ min: 0, max: 500 }) }),
    fc.record({ kind: fc.constant("erase" as const), pick: fc.nat() }),
  ),
  { maxLength: 300 },
);

/** In-order list of [lo, hi] by following next() from first(). */
function inOrder(tree: IovaTree): number[] {
  const out: number[] = [];
  for (let x = tree.first(); x !== NIL; x = tree.next(x)) out.push(tree.lo[x] as number);
  return out;
}

describe("IovaTree", () => {
  it("stays a valid red-black tree equal to a sorted reference under inserts and erases", () => {
    fc.assert(
      fc.property(steps, (ops: Step[]) => {
        const tree = new IovaTree(2);
        const ref = new Map<number, number>(); // lo -> id
        for (const op of ops) {
          if (op.kind === "insert") {
            const id = tree.insert(op.lo, op.lo);
            if (ref.has(op.lo)) expect(id).toBe(NIL);
            else ref.set(op.lo, id);
          } else if (ref.size > 0) {
            const keys = [...ref.keys()];
            const lo = keys[op.pick % keys.length] as number;
            tree.erase(ref.get(lo) as number);
            ref.delete(lo);
          }
          expect(validateTree(tree)).toEqual([]);
        }
        const sorted = [...ref.keys()].sort((a, b) => a - b);
        expect(inOrder(tree)).toEqual(sorted);
        expect(tree.size).toBe(sorted.length);
        // prev() walks the same order backwards.
        const backwards: number[] = [];
        let x = sorted.length ? (ref.get(sorted[sorted.length - 1] as number) as number) : NIL;
        for (; x !== NIL; x = tree.prev(x)) backwards.push(tree.lo[x] as number);
        expect(backwards).toEqual([...sorted].reverse());
      }),
      { seed: 2024, numRuns: 150 },
    );
  });

  it("finds the node containing a pfn and the lowest node ending at or above a limit", () => {
    const tree = new IovaTree();
    for (const [lo, hi] of [
      [10, 19],
      [30, 30],
      [40, 49],
    ] as const) {
      tree.insert(lo, hi);
    }
    const loOf = (id: number) => (id === NIL ? null : tree.lo[id]);
    expect(loOf(tree.findContaining(15))).toBe(10);
    expect(loOf(tree.findContaining(20))).toBeNull();
    expect(loOf(tree.findContaining(49))).toBe(40);
    expect(loOf(tree.lowestEndingAtOrAbove(20))).toBe(30);
    expect(loOf(tree.lowestEndingAtOrAbove(19))).toBe(10);
    expect(loOf(tree.lowestEndingAtOrAbove(50))).toBeNull();
  });
});
