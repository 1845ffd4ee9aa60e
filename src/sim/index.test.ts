import { describe, expect, it } from "vitest";
import * as sim from "./index.js";

describe("sim index", () => {
  it("re-exports the ground layer API", () => {
    for (const name of [
      "VirtualClock",
      "Rng",
      "TraceError",
      "parseJsonl",
      "readJsonlFile",
      "formatJsonl",
      "canonicalJson",
      "readInt",
      "readOptionalInt",
      "readBool",
      "readOptionalBool",
      "readString",
      "writeFileAtomic",
      "mulDivFloor",
      "mulDivCeil",
    ]) {
      expect(typeof (sim as Record<string, unknown>)[name], name).toBe("function");
    }
  });
});
