import { describe, expect, it } from "vitest";
import { Board, Phase } from "./heartbeat.js";

describe("the heartbeat board", () => {
  it("holds the input each slot began last, and counts executions and replays apart", () => {
    const board = Board.create(2, 8);
    const slot = board.slot(1);
    slot.beginRun(Uint8Array.of(1, 2, 3, 4, 5));
    slot.beginRun(Uint8Array.of(9, 8));
    slot.beat();
    expect([...slot.lastInput().input]).toEqual([9, 8]);
    expect(slot.execs).toBe(2);
    expect(slot.beats).toBe(3);
    expect(board.slot(0).execs).toBe(0);
  });

  it("keeps what fits of an input longer than the slot, and says it was cut", () => {
    const slot = Board.create(1, 4).slot(0);
    slot.beginRun(Uint8Array.of(1, 2, 3, 4, 5, 6));
    expect(slot.lastInput()).toEqual({ input: Uint8Array.of(1, 2, 3, 4), truncated: true });
  });

  it("is one shared memory: another view (another thread) sees the same slots and stop flag", () => {
    const board = Board.create(2, 16);
    const other = new Board(board.buffer);
    other.slot(0).beginRun(Uint8Array.of(7));
    other.slot(0).phase = Phase.running;
    board.requestStop();
    expect(board.slot(0).phase).toBe(Phase.running);
    expect([...board.slot(0).lastInput().input]).toEqual([7]);
    expect(other.stopRequested).toBe(true);
  });

  it("adds retired workers' executions to the base, so the campaign total never drops", () => {
    const board = Board.create(2, 4);
    board.baseExecs = 100;
    for (let i = 0; i < 3; i++) board.slot(0).beginRun(Uint8Array.of(i));
    board.slot(1).beginRun(Uint8Array.of(0));
    expect(board.totalExecs()).toBe(104);
    expect(board.retire(0)).toBe(3);
    expect(board.slot(0).execs).toBe(0);
    expect(board.slot(0).lastInput().input.length).toBe(0);
    expect(board.totalExecs()).toBe(104);
  });
});
