import { describe, expect, it } from "vitest";
import { normalizeLog, stripPrefixes } from "./normalize.js";

describe("normalizeLog: log text as people paste it", () => {
  it.each([
    ["[ 1976.217652] perf: x", "perf: x"],
    ["Jun 13 04:36:30 ip-172-19-13-114 kernel: CPU: 7 PID: 1", "CPU: 7 PID: 1"],
    ["Feb  2 03:31:15 host kernel: [67628.036256] Mem-Info:", "Mem-Info:"],
    ["[Mon Apr 20 15:08:07 2020] kworker/u16:3: page", "kworker/u16:3: page"],
    ["<4>[    1.234567][    T1] swapper/0: page", "swapper/0: page"],
    ["6,1234,5678901,-;DMA: preallocated 128 KiB", "DMA: preallocated 128 KiB"],
    [">> > | Node 0 DMA free:1kB", "Node 0 DMA free:1kB"],
    ["2024-05-16T10:00:00.123456+02:00 host kernel: x", "x"],
    ["4/21/22 7:09 AM\tkernel\tsof-audio-pci-intel-cnl x", "sof-audio-pci-intel-cnl x"],
    ["**[  217.112589] modprobe: page**", "modprobe: page"],
  ])("strips %j", (raw, bare) => {
    expect(stripPrefixes(raw)).toBe(bare);
  });

  it("joins a header wrapped before mode: and nodemask=", () => {
    const lines = normalizeLog(
      "x: page allocation failure: order:0,\nmode:0x20(GFP_ATOMIC),\nnodemask=(null)\nnext",
    );
    expect(lines[0]?.text).toBe(
      "x: page allocation failure: order:0, mode:0x20(GFP_ATOMIC), nodemask=(null)",
    );
    expect(lines[1]?.line).toBe(4);
  });

  it("joins per-order and zone lines cut at 80 columns, mid-token", () => {
    const text = [
      "> Node 0 DMA32: 852*4kB 1*8kB 0*16kB 1*32kB 1*64kB 0*128kB 1*256kB 1*512kB 1*1024k",
      "> B 0*2048kB 0*4096kB = 5304kB",
      "> Node 0 DMA free:4036kB min:60kB low:72kB high:88kB active_anon:3228kB inactive_a",
      "> non:256kB present:15356kB",
    ].join("\n");
    const lines = normalizeLog(text);
    expect(lines[0]?.text).toBe(
      "Node 0 DMA32: 852*4kB 1*8kB 0*16kB 1*32kB 1*64kB 0*128kB 1*256kB 1*512kB 1*1024kB 0*2048kB 0*4096kB = 5304kB",
    );
    expect(lines[1]?.text).toContain("inactive_anon:256kB present:15356kB");
    expect(lines[1]?.quote).toBe(1);
  });

  it("splits syslog #012 escapes and decodes quoted-printable", () => {
    expect(normalizeLog("a:1#012 free:2 free_pcp:3").map((l) => l.text)).toEqual([
      "a:1",
      "free:2 free_pcp:3",
    ]);
    expect(normalizeLog("nodemask=3D(null) x=3D1 soft=\nbreak")[0]?.text).toBe(
      "nodemask=(null) x=1 softbreak",
    );
  });
});
