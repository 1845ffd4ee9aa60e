import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { replayCommand } from "../../cli/replay.js";
import { formatJsonl } from "../../sim/jsonl.js";
import { models } from "../registry.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "dmafuzz-noncontig-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const context = () => ({ registry: models, env: {}, packageRoot: dir, version: "0.0.0-test" });

/** Records `ops` with `dmafuzz replay`, then checks the recording replays as ok. */
function recordAndReplay(model: string, variant: string, ops: Record<string, unknown>[]) {
  const plain = join(dir, `${model}.jsonl`);
  writeFileSync(plain, formatJsonl(ops));
  const recorded = replayCommand(["--model", model, "--variant", variant, plain], context());
  expect(recorded.exitCode).toBe(0);
  const golden = join(dir, `${model}.golden.jsonl`);
  writeFileSync(golden, `${recorded.stdout.join("\n")}\n`);
  const checked = replayCommand(["--model", model, "--variant", variant, golden], context());
  expect(checked).toEqual({
    exitCode: 0,
    stdout: [`${golden}: ok (${ops.length} ops)`],
    stderr: [],
  });
  return recorded.stdout
    .join("\n")
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("dmafuzz replay --model noncontig|dmapool", () => {
  it("records and replays a noncontig trace with buffers and their frees", () => {
    const lines = recordAndReplay("noncontig", "upstream@v6.6", [
      { op: "boot", layout: "x86_64", ram_mib: 256, swap_mib: 0, cma_mib: 0, hang_ms: 120000 },
      { op: "device", iommu: "amd", mask_bits: 64 },
      { op: "snd_alloc", pages: 259, comm: "kworker/u8:3", worker: true },
      { op: "device", iommu: "none", mask_bits: 32 },
      { op: "snd_alloc", pages: 100, comm: "kworker/u8:3", worker: true },
      { op: "buf_free", id: 0 },
      { op: "buf_free", id: 1 },
    ]);
    expect(lines[2]?.expect).toMatchObject({ outcome: "ok", path: "noncontig" });
    expect((lines[2]?.expect as { chunks: unknown[] }).chunks).toHaveLength(3);
  });

  it("records and replays a dmapool trace, and a changed expectation is a mismatch", () => {
    const lines = recordAndReplay("dmapool", "pre-has-managed-dma", [
      { op: "boot", layout: "x86_64-kdump", ram_mib: 256 },
      { op: "alloc", pages: 2, gfp: "GFP_ATOMIC", mask_bits: 32, dev: "ahci" },
    ]);
    expect(lines[0]?.expect).toMatchObject({ sizes: { kernel: 32, dma: null, dma32: 32 } });
    const bad = join(dir, "bad.jsonl");
    writeFileSync(
      bad,
      formatJsonl([
        { ...lines[0], expect: { sizes: { kernel: 32, dma: 32, dma32: 32 }, log: [] } },
      ]),
    );
    expect(replayCommand(["--model", "dmapool", bad], context()).exitCode).toBe(1);
  });
});
