import { describe, expect, it } from "vitest";
import { FindingError, findingSignature } from "../../src/oracles/finding.js";
import { fuzz, target } from "./toy.fuzz.js";

type Op = Record<string, unknown>;
const alloc = (id: number, size: number): Op => ({ op: "alloc", id, size });
const free = (id: number): Op => ({ op: "free", id });

/** Planted bug 1: a fragmented free list, then a left merge across a one-slot gap. */
function overlapTrace(): Op[] {
  const ops: Op[] = [{ op: "init", slots: 64 }];
  for (let id = 0; id < 15; id++) ops.push(alloc(id, 1));
  for (let id = 0; id <= 12; id += 2) ops.push(free(id));
  ops.push(free(13), alloc(15, 3));
  return ops;
}

/** Planted bug 2: five blocks freed last to first. */
function accountingTrace(): Op[] {
  const sizes = [2, 3, 4, 5, 6];
  return [
    { op: "init", slots: 64 },
    ...sizes.map((size, id) => alloc(id, size)),
    ...[4, 3, 2, 1, 0].map(free),
  ];
}

describe("toy target", () => {
  it("planted bug 1 is an overlap at the alloc after the bad merge; fixed has none", () => {
    const finding = target.replay(overlapTrace(), "planted");
    expect(finding).toMatchObject({ kind: "overlap", site: "alloc-overlaps-live", opIndex: 24 });
    expect(finding?.evidence).toMatchObject({ slot: 14, live: 14 });
    expect(target.replay(overlapTrace(), "fixed")).toBeNull();
    // One fewer hole and the list is not fragmented enough: no bug.
    const fewer = overlapTrace().filter((op) => !(op.op === "free" && op.id === 0));
    expect(target.replay(fewer, "planted")).toBeNull();
  });

  it("planted bug 2 is an accounting error at the fourth descending free; fixed has none", () => {
    const finding = target.replay(accountingTrace(), "planted");
    expect(finding).toMatchObject({ kind: "accounting", site: "free-slots-counter", opIndex: 10 });
    expect(target.replay(accountingTrace(), "fixed")).toBeNull();
    // An allocation in between breaks the streak.
    const broken = accountingTrace();
    broken.splice(8, 0, alloc(5, 1));
    expect(target.replay(broken, "planted")).toBeNull();
  });

  it("decodes bytes into valid ops whose trace replays to the same finding", () => {
    // Header: 64 slots; five allocs of sizes 2..6; then five frees of the newest live block.
    const bytes = [3, 0, 0, 0];
    for (let size = 2; size <= 6; size++) bytes.push(0, size - 1, 0, 0);
    for (let live = 5; live >= 1; live--) bytes.push(1, live - 1, 0, 0);
    const run = target.run(Uint8Array.from(bytes), "planted");
    expect(run.trace).toEqual(accountingTrace());
    expect(run.finding).toEqual(target.replay(run.trace, "planted"));
    expect(target.run(Uint8Array.from(bytes), "fixed").finding).toBeNull();
    // A free with nothing live is skipped; a short tail record is ignored.
    expect(target.run(Uint8Array.of(0, 0, 0, 0, 1, 5, 0, 0, 0, 1), "planted").trace).toEqual([
      { op: "init", slots: 16 },
    ]);
  });

  it("fuzz(data) throws a FindingError carrying the finding and trace", () => {
    const bytes = [3, 0, 0, 0];
    for (let size = 2; size <= 6; size++) bytes.push(0, size - 1, 0, 0);
    for (let live = 5; live >= 1; live--) bytes.push(1, live - 1, 0, 0);
    let thrown: unknown;
    try {
      fuzz(Buffer.from(bytes));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FindingError);
    expect(findingSignature((thrown as FindingError).finding)).toBe(
      "accounting:toy@planted:free-slots-counter",
    );
    expect(() => fuzz(Buffer.from([3, 0, 0, 0, 0, 1, 0, 0]))).not.toThrow();
  });

  it("rejects bad traces and unknown variants", () => {
    expect(() => target.replay([alloc(0, 1)], "planted")).toThrow(/first op must be init/);
    expect(() =>
      target.replay(
        [
          { op: "init", slots: 8 },
          { op: "map", id: 0 },
        ],
        "planted",
      ),
    ).toThrow(/unknown op/);
    expect(() => target.run(new Uint8Array(4), "v9")).toThrow(/unknown variant/);
  });
});
