import { describe, expect, it } from "vitest";
import { target } from "../../fuzz/targets/pagealloc.fuzz.js";
import { findingSignature } from "./finding.js";

const BOOT = {
  op: "boot",
  layout: "x86_64",
  ram_mib: 512,
  swap_mib: 0,
  cma_mib: 0,
  hang_ms: 120000,
};

/** A 512 MiB machine whose memory is all anon (pid 2, no swap) and kernel pages: nothing to reclaim. */
function exhausted(...then: Record<string, unknown>[]): Record<string, unknown>[] {
  return [
    BOOT,
    { op: "fill", what: "anon", pages: 1 << 20, pid: 2 },
    { op: "fill", what: "kernel", pages: 1 << 20, pid: 1 },
    ...then,
  ];
}

function alloc(order: number, gfp: string) {
  return { op: "alloc", order, gfp, comm: "kworker/u8:3", worker: true };
}

describe("order <= 3 NOFS/NOIO requests on an exhausted machine (out_of_memory without __GFP_FS)", () => {
  it.each([
    ["v6.6", 0, "GFP_NOFS", [], "nofs-oom-progress-small-default-io"],
    ["v6.8", 0, "GFP_NOFS", [], "nofs-oom-progress-small-default-io"],
    [
      "v6.8",
      2,
      "GFP_KERNEL|__GFP_NOWARN",
      [{ op: "scope", noio: true, nofs: false }],
      "nofs-oom-progress-small-default-noio",
    ],
    ["v6.8", 3, "GFP_NOIO", [], "nofs-oom-progress-small-default-noio"],
  ] as const)(
    "%s order-%i %s hangs on fake OOM progress, reported as kernel behaviour",
    (variant, order, gfp, scope, site) => {
      const trace = exhausted(...scope, alloc(order, gfp));
      const f = target.replay(trace, variant);
      expect(f).toMatchObject({ kind: "hang", site, opIndex: trace.length - 1 });
      expect(f?.canary).toBeUndefined();
      expect(f && findingSignature(f)).toBe(`hang:pagealloc@${variant}:${site}`);
      expect(f?.message).toContain("kernel behaviour, not a model bug");
      expect(f?.message).toContain("out_of_memory() returns true without killing");
      const ev = f?.evidence as {
        cause: string;
        kernelBehaviour: boolean;
        kernel: { file: string; function: string }[];
        counters: { oomKills: number; retries: number; exits: Record<string, number> };
      };
      expect(ev.cause).toBe("nofs-oom-progress");
      expect(ev.kernelBehaviour).toBe(true);
      expect(ev.kernel.map((k) => `${k.file}:${k.function}`)).toEqual([
        "mm/oom_kill.c:out_of_memory",
        "mm/page_alloc.c:__alloc_pages_may_oom",
        "mm/page_alloc.c:__alloc_pages_slowpath",
        "mm/page_alloc.c:should_reclaim_retry",
      ]);
      // Every pass went back to retry: through the OOM step, none killed anything.
      const { exits, retries, oomKills } = ev.counters;
      expect(oomKills).toBe(0);
      expect(exits["oom-no-fs"]).toBeGreaterThan(1000);
      expect(Object.values(exits).reduce((a, b) => a + b, 0)).toBe(retries);
    },
  );

  it("fails instead while suspended: pm_suspended_storage() skips out_of_memory", () => {
    const trace = exhausted({ op: "suspend", on: true }, alloc(0, "GFP_NOIO|__GFP_NOWARN"));
    for (const variant of ["v6.6", "v6.8"])
      expect(target.replay(trace, variant), variant).toBeNull();
  });

  it("fails with __GFP_FS: out_of_memory finds no victim (all anon is gone) and gives up", () => {
    const trace = exhausted(
      { op: "exit", pid: 2 },
      { op: "fill", what: "kernel", pages: 1 << 20, pid: 1 },
      alloc(0, "GFP_KERNEL|__GFP_NOWARN"),
    );
    const f = target.replay(trace, "v6.8");
    expect(f?.kind).not.toBe("hang");
  });
});

describe("hangs of other loops get their own sites", () => {
  it("reclaim progress stolen by other tasks (mechanism B): a costly RETRY_MAYFAIL request with __GFP_IO", () => {
    // Page cache to reclaim, stealers that take it (spec 1.8). An order-0 request no longer loops
    // here: after a reclaim pass with progress a failed attempt drains the per-CPU lists
    // (__alloc_pages_direct_reclaim: drain_all_pages), which hands it the pages back.
    const trace = [
      { op: "boot", layout: "x86_64", ram_mib: 1024, swap_mib: 0, cma_mib: 0, hang_ms: 120000 },
      { op: "fill", what: "file", pages: 1 << 20, pid: 1 },
      { op: "fill", what: "anon", pages: 20000, pid: 2 },
      { op: "stealers", pages: 4096 },
      alloc(9, "GFP_KERNEL|__GFP_RETRY_MAYFAIL|__GFP_NOWARN"),
    ];
    const f = target.replay(trace, "v6.8");
    expect(f).toMatchObject({ kind: "hang", site: "reclaim-stolen-costly-mayfail-io" });
    expect(f?.evidence).toMatchObject({ cause: "reclaim-stolen", kernelBehaviour: false });
    expect(f?.message).toContain("other tasks take first");
  });

  it("__GFP_NOFAIL loops by contract, whatever else keeps it going", () => {
    // Campaign find: all memory anon without swap, NOIO and NOFS scope, an order-3 NOFAIL request.
    const trace = [
      { ...BOOT, ram_mib: 256 },
      { op: "fill", what: "anon", pages: 65536, pid: 4 },
      { op: "scope", noio: true, nofs: true },
      alloc(3, "GFP_KERNEL|__GFP_NOFAIL"),
    ];
    const f = target.replay(trace, "v6.8");
    expect(f).toMatchObject({ kind: "hang", site: "nofail-small-nofail-noio" });
    expect(f?.evidence).toMatchObject({ cause: "nofail", kernelBehaviour: true });
  });
});
