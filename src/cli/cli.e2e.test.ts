import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageGoldenDir, thisPackage } from "../paths.js";

// The built `dmafuzz` bin (vitest's global setup builds it), run as a user runs it: real exit
// codes, real stderr.
const root = thisPackage().root;
const bin = join(root, "dist", "src", "cli", "main.js");
const golden = join(packageGoldenDir(root), "iova");
const dir = mkdtempSync(join(tmpdir(), "dmafuzz-e2e-"));

function dmafuzz(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function traceFile(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

const INIT = '{"op":"init","granule":4096,"start_pfn":262144}';

describe("dmafuzz (built binary)", () => {
  it("replays a golden trace: exit 0 and FILE: ok (N ops)", () => {
    const file = join(golden, "report-731f.pre.jsonl");
    const r = dmafuzz("replay", "--model", "iova", "--variant", "v5.17", file);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`${file}: ok (673 ops)`);
  });

  it("reports the first mismatch with its op index: exit 1", () => {
    const file = join(golden, "report-731f.pre.jsonl");
    const r = dmafuzz("replay", "--model", "iova", "--variant", "v5.18", file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("mismatch at op 671");
  });

  it("a malformed JSONL line: exit 2, one line naming file:line, no stack", () => {
    const file = traceFile("bad.jsonl", [INIT, '{"op":"alloc","size":4', "{}"]);
    const r = dmafuzz("replay", "--model", "iova", file);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`${file}:2:`);
  });

  it("a field out of range and a CPU the domain lacks are bad input at their line", () => {
    const size = traceFile("size.jsonl", [
      INIT,
      '{"op":"alloc","size":0,"limit_pfn":5,"aligned":true}',
    ]);
    expect(dmafuzz("replay", "--model", "iova", size)).toMatchObject({ code: 2 });
    expect(dmafuzz("replay", "--model", "iova", size).stderr).toContain(`${size}:2: field "size"`);
    const cpu = traceFile("cpu.jsonl", [INIT, '{"op":"free_fast","pfn":1,"size":1,"cpu":9}']);
    const r = dmafuzz("replay", "--model", "iova", cpu);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${cpu}:2: cpu 9 is not online`);
  });

  it("records a trace without expectations, and the recording replays as a golden file", () => {
    const plain = traceFile("plain.jsonl", [
      INIT,
      '{"op":"alloc","size":16,"limit_pfn":1048575,"aligned":true}',
      '{"op":"alloc_fast","size":3,"limit_pfn":1048575,"flush":true,"cpu":1}',
      '{"op":"dump"}',
    ]);
    const recorded = dmafuzz("replay", "--model", "iova", "--variant", "v6.7", plain);
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toContain('"expect":{"pfn":1048560}');
    const goldenFile = traceFile("recorded.jsonl", [recorded.stdout.trim()]);
    const replayed = dmafuzz("replay", "--model", "iova", "--variant", "v6.7", goldenFile);
    expect(replayed).toMatchObject({ code: 0, stdout: `${goldenFile}: ok (4 ops)\n` });
  });

  it("unknown variants and flags are usage errors: exit 2", () => {
    const r = dmafuzz("replay", "--model", "iova", "--variant", "v9.9", "x.jsonl");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^dmafuzz: .*v9\.9/);
    expect(dmafuzz("list", "--bogus").code).toBe(2);
  });

  it("lists every IOVA variant with its kernel reference", () => {
    const r = dmafuzz("list", "--json");
    expect(r.code).toBe(0);
    const listed = JSON.parse(r.stdout) as {
      models: { name: string; variants: { name: string; kernel: { file: string } }[] }[];
    };
    const iova = listed.models.find((m) => m.name === "iova");
    expect(iova?.variants.map((v) => v.name)).toEqual([
      "v5.10",
      "v5.12",
      "v5.17",
      "v5.18",
      "v6.2",
      "v6.7",
    ]);
    expect(new Set(iova?.variants.map((v) => v.kernel.file))).toEqual(
      new Set(["drivers/iommu/iova.c"]),
    );
  });

  it("lists the canaries with the variants where they must and must not fire", () => {
    const r = dmafuzz("list", "--canaries");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("iova-max32-stale (iova, spurious-failure)");
    expect(r.stdout).toContain("fires on: v5.17, v5.12, v5.10; never on: v5.18, v6.2, v6.7");
  });
});
