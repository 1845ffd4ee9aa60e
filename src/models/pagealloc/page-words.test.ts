import { describe, expect, it } from "vitest";
import { copyWords, recycleWords, takeWords } from "./page-words.js";

describe("recycled page words", () => {
  it("a recycled array comes back refilled for the next zone of its length", () => {
    const words = takeWords(1 << 20, 7);
    expect(words.every((w) => w === 7)).toBe(true);
    words[123] = 42;
    recycleWords(words);
    const again = takeWords(1 << 20, 0);
    expect(again).toBe(words);
    expect(again.every((w) => w === 0)).toBe(true);
    expect(takeWords(1 << 20, 0)).not.toBe(words);
  });

  it("small arrays are not kept", () => {
    const small = takeWords(1024, 0);
    recycleWords(small);
    expect(takeWords(1024, 0)).not.toBe(small);
  });

  it("a copy goes into a recycled array and equals its source", () => {
    const source = takeWords(1 << 16, 5);
    source[9] = 1;
    const spare = takeWords(1 << 16, 0);
    recycleWords(spare);
    const copy = copyWords(source);
    expect(copy).toBe(spare);
    expect(Buffer.from(copy.buffer).equals(Buffer.from(source.buffer))).toBe(true);
    expect(copyWords(source)).not.toBe(spare);
  });
});
