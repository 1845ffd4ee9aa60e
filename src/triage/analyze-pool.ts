/**
 * DMA atomic pool lines judged with kernel/dma/pool.c's sizing and replayed on the dmapool model.
 * dma_atomic_pool_init(): atomic_pool_size = coherent_pool= if given, else
 * max(min(totalram_pages() / (SZ_1G / SZ_128K), MAX_ORDER_NR_PAGES) << PAGE_SHIFT, SZ_128K);
 * atomic_pool_expand() allocates order min(get_order(size), MAX_ORDER - 1), stepping down on
 * failure, and the pool gets that power of two, which `preallocated N KiB` prints. arm32 before
 * v5.x had its own pool (arch/arm/mm/dma-mapping.c): 256 KiB unless coherent_pool= says otherwise.
 */
import { dmapoolModel } from "../models/dmapool/index.js";
import type { DmapoolLayout, DmapoolOp } from "../models/dmapool/ops.js";
import { VirtualClock } from "../sim/clock.js";
import { Rng } from "../sim/rng.js";
import type { AtomicPoolEvent, LogContext } from "./events.js";
import { type EventVerdict, parseVersion, undecided } from "./verdict.js";

const MAX_ORDER_NR_PAGES = 1024;

/** `coherent_pool=` of the command line, in KiB (memparse: K, M, G suffixes). */
export function coherentPoolKib(cmdline: string | null): number | null {
  const m = cmdline === null ? null : /(?:^|\s)coherent_pool=(\d+)([KkMmGg]?)/.exec(cmdline);
  if (m === null) return null;
  const mult = { "": 1 / 1024, k: 1, m: 1024, g: 1024 * 1024 }[(m[2] ?? "").toLowerCase()] ?? 1;
  return Math.floor(Number(m[1]) * mult);
}

/** The kernel's arithmetic from totalram pages to the printed size, as text and KiB. */
export function poolArithmetic(totalPages: number): { kib: number; text: string } {
  const pages = Math.min(Math.floor(totalPages / 8192), MAX_ORDER_NR_PAGES);
  const bytes = Math.max(pages * 4096, 128 * 1024);
  const order = Math.ceil(Math.log2(Math.ceil(bytes / 4096)));
  const kib = 4 << order;
  return {
    kib,
    text: `totalram ${totalPages} pages / 8192 = ${pages} pages (${(pages * 4096) / 1024} KiB, at least 128 KiB) -> order ${order} = ${kib} KiB`,
  };
}

function layoutOf(ctx: LogContext, kdump: boolean): DmapoolLayout {
  if (ctx.arch === "rpi4") return "rpi4";
  if (ctx.arch === "arm64" || ctx.arch === "arm") return "arm64";
  return kdump ? "x86_64-kdump" : "x86_64";
}

/** Judges one `DMA: preallocated` / `DMA: failed to allocate` line. */
export function analyzePool(
  ev: AtomicPoolEvent,
  ctx: LogContext,
  logVersion: string | null,
): EventVerdict {
  const title =
    `DMA atomic pool ${ev.gfp ?? ""}: ${ev.ok ? `preallocated ${ev.kib} KiB` : `failed to allocate ${ev.kib} KiB`}`.replace(
      "  ",
      " ",
    );
  const kernel = ev.ok
    ? `the pool got ${ev.kib} KiB`
    : "the pool's first expansion failed at every order: the pool stays absent";
  const cmdlineKib = coherentPoolKib(ctx.commandLine);
  if (ev.armCoherent) {
    const expect = cmdlineKib ?? 256;
    return {
      ...undecided(ev, title, kernel, ""),
      model: "arithmetic (arch/arm/mm/dma-mapping.c)",
      agreement: expect === ev.kib ? "agrees" : "disagrees",
      modelSays: `arm32's atomic pool is ${cmdlineKib === null ? "DEFAULT_DMA_COHERENT_POOL_SIZE 256 KiB" : `coherent_pool= ${cmdlineKib} KiB`}`,
      notes: [
        "arch/arm's pool is not kernel/dma/pool.c: no model replays it, only its sizing rule",
      ],
      cause: expect === ev.kib ? null : "ambiguous log: a coherent_pool= the log does not show",
    };
  }
  if (ctx.memory === null && ev.ok && cmdlineKib === null) {
    return undecided(
      ev,
      title,
      kernel,
      "no `Memory: ...K/...K available` line: totalram is unknown",
    );
  }
  const version = parseVersion(logVersion);
  const hasManaged = version === null || version[0] * 100 + version[1] >= 517;
  const variant = hasManaged ? "has-managed-dma" : "pre-has-managed-dma";
  const kdump =
    /elfcorehdr=/.test(ctx.commandLine ?? "") ||
    (!ev.ok && (ev.gfp ?? "").includes("GFP_DMA") && !(ev.gfp ?? "").includes("DMA32"));
  const totalKb = ctx.memory?.totalKb ?? 1024 * 1024;
  // The size stops growing at 32 GiB (MAX_ORDER_NR_PAGES), so larger machines replay as 32 GiB.
  const ramMib = Math.max(16, Math.min(32768, Math.round(totalKb / 1024)));
  const boot: DmapoolOp = {
    op: "boot",
    layout: layoutOf(ctx, kdump),
    ram_mib: ramMib,
    coherent_pool_kib: cmdlineKib ?? 0,
  };
  const model = dmapoolModel.create(variant, { clock: new VirtualClock(), rng: Rng.seeded(1) });
  const result = model.apply(boot);
  const trace = [{ ...dmapoolModel.encodeOp(boot), ...dmapoolModel.expectationOf(boot, result) }];
  if ("release" in model && typeof model.release === "function") model.release();
  const pool = ev.gfp?.includes("DMA32") ? "dma32" : ev.gfp?.includes("GFP_DMA") ? "dma" : "kernel";
  const sizes = result.kind === "boot" ? result.sizes : null;
  const modelPages = sizes?.[pool] ?? null;
  const modelKib = modelPages === null ? null : modelPages * 4;
  const assumptions = [
    `totalram taken from the Memory: line's available ${ctx.memory ? `${ctx.memory.availKb}K` : "(absent: 1 GiB assumed)"}; the pool is sized later, at postcore_initcall, from totalram_pages()`,
  ];
  if (kdump)
    assumptions.push(
      "a kdump kernel (elfcorehdr= on the command line, or a GFP_DMA pool that failed): ZONE_DMA has no managed pages",
    );
  const arith = ctx.memory ? poolArithmetic(Math.floor(ctx.memory.availKb / 4)) : null;
  const refusedBy: string[] = [];
  if (cmdlineKib !== null) refusedBy.push(`coherent_pool=${cmdlineKib}K sets the size`);
  else if (arith) refusedBy.push(arith.text);
  if (!ev.ok)
    refusedBy.push(
      `alloc_pages(GFP_KERNEL|GFP_DMA) failed at every order: ZONE_DMA has no managed pages`,
    );
  const modelOk = modelKib !== null;
  const agrees = ev.ok ? modelKib === ev.kib : !modelOk;
  const notes: string[] = [];
  if (ev.ok && arith && modelKib !== null && arith.kib === ev.kib && modelKib !== ev.kib) {
    notes.push(
      `the model's ${boot.layout} layout reserves other amounts than this machine, so its totalram gives ${modelKib} KiB`,
    );
  }
  return {
    event: ev,
    title,
    kernel,
    model: "dmapool",
    variant,
    variantWhy: version
      ? `v${version.join(".")} is ${hasManaged ? "at or after" : "before"} has_managed_dma() (v5.17)`
      : "no version in the log: the current pool code",
    agreement: agrees ? "agrees" : "disagrees",
    modelSays: modelOk
      ? `the model's ${pool} pool gets ${modelKib} KiB`
      : `the model's ${pool} pool is not created`,
    refusedBy,
    wouldChange: ev.ok
      ? []
      : [
          "has_managed_dma() (v5.17, variant has-managed-dma): the GFP_DMA pool is skipped without a warning",
        ],
    assumptions,
    notes,
    trace: { model: "dmapool", variant, ops: trace },
    cause: agrees
      ? null
      : arith?.kib === ev.kib
        ? "model gap: the layout's totalram differs from the machine's"
        : "ambiguous log: the pool size depends on totalram at initcall time",
  };
}
