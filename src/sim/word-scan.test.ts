import { describe, expect, it } from "vitest";
import { findTopByte, topByteTable } from "./word-scan.js";

describe("word scans by top byte", () => {
  const odd = topByteTable((b) => (b & 1) === 1);

  it("finds the first word in range whose top byte the table marks", () => {
    const words = Uint32Array.of(0x02000000, 0x01ffffff, 0x04000001, 0x03000000, 0x05000000);
    expect(findTopByte(words, 0, 5, odd)).toBe(1);
    expect(findTopByte(words, 2, 5, odd)).toBe(3);
    expect(findTopByte(words, 4, 5, odd)).toBe(4);
  });

  it("stops at the end of the range (end when nothing matches)", () => {
    const words = Uint32Array.of(0x02000000, 0x04000000, 0x01000000);
    expect(findTopByte(words, 0, 2, odd)).toBe(2);
    expect(findTopByte(words, 1, 1, odd)).toBe(1);
    expect(
      findTopByte(
        words,
        0,
        3,
        topByteTable(() => false),
      ),
    ).toBe(3);
  });
});
