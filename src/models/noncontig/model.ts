/**
 * The noncontig model: a page allocator model (v6.6 or v6.8) with a device, on which ALSA's
 * snd_dma_noncontig_alloc (under one policy) and dma_alloc_noncontiguous run as ops. Buffers are
 * numbered in the order they were allocated, so traces can free them by id.
 */
import { type Model, type ModelContext, OpRejected } from "../model.js";
import type { DmaTask } from "../pagealloc/dma-pages.js";
import { formatGfp, parseGfp } from "../pagealloc/gfp.js";
import { PageallocModel, type PageallocResult } from "../pagealloc/model.js";
import { sndDmaNoncontigAlloc, type SndPath } from "./alsa.js";
import type { Chunk, Device, PageCall, PathResult } from "./device.js";
import { dmaAllocNoncontiguous, freeChunk, noncontigRejects } from "./noncontig.js";
import { isPageallocOp, type NoncontigOp } from "./ops.js";
import type { NoncontigVariant } from "./variants.js";

/** The outcome of a buffer op. */
export interface BufferResult {
  kind: "buffer";
  op: "snd_alloc" | "noncontig_alloc";
  outcome: "ok" | "fail" | "hang";
  /** The buffer's id on success. */
  id: number | null;
  path: SndPath;
  pages: number;
  device: Device;
  chunks: Chunk[];
  calls: (Omit<PageCall, "gfp"> & { gfp: string })[];
  leaked: Chunk[];
  latencyNs: number;
  /** Set when dma_alloc_noncontiguous refused the arguments (WARN_ON_ONCE). */
  rejected: string | null;
}

export type NoncontigResult = PageallocResult | BufferResult | { kind: "freed"; id: number };

const DEFAULT_DEVICE: Device = { iommu: "none", maskBits: 64 };

export class NoncontigModel implements Model<NoncontigOp, NoncontigResult> {
  readonly pages: PageallocModel;
  private device: Device = DEFAULT_DEVICE;
  private readonly buffers = new Map<number, Chunk[]>();
  private nextId = 0;
  private last: BufferResult | null = null;

  constructor(
    readonly config: NoncontigVariant,
    private readonly context: ModelContext,
  ) {
    this.pages = new PageallocModel(config.pagealloc, context);
  }

  get variant(): string {
    return this.config.name;
  }

  /** The live buffers' chunks by id (oracles look inside). */
  get live(): ReadonlyMap<number, readonly Chunk[]> {
    return this.buffers;
  }

  apply(op: NoncontigOp): NoncontigResult {
    if (isPageallocOp(op)) {
      if (op.op === "boot") {
        this.buffers.clear();
        this.nextId = 0;
      }
      return this.pages.apply(op);
    }
    switch (op.op) {
      case "device":
        this.device = { iommu: op.iommu, maskBits: op.mask_bits };
        return { kind: "ok" };
      case "snd_alloc": {
        const task = { comm: op.comm, worker: op.worker };
        const start = this.context.clock.now;
        const { hooks, xenPv, pagealloc } = this.config;
        const r = sndDmaNoncontigAlloc(
          this.pages.mm,
          { hooks, xenPv, pagealloc: pagealloc.name },
          this.device,
          op.pages,
          task,
        );
        return this.finish("snd_alloc", op.pages, r, r.path, start, null);
      }
      case "noncontig_alloc":
        return this.noncontigAlloc(op.pages, op.gfp, op.single_pages, {
          comm: op.comm,
          worker: op.worker,
        });
      case "buf_free": {
        const chunks = this.buffers.get(op.id);
        if (chunks === undefined) throw new OpRejected(`buf_free of ${op.id}: no such live buffer`);
        for (const c of chunks) freeChunk(this.pages.mm, c);
        this.buffers.delete(op.id);
        return { kind: "freed", id: op.id };
      }
    }
  }

  private noncontigAlloc(pages: number, gfpText: string, single: boolean, task: DmaTask) {
    const gfp = parseGfp(gfpText);
    if (typeof gfp === "string") throw new OpRejected(gfp);
    const start = this.context.clock.now;
    const r = dmaAllocNoncontiguous(
      this.pages.mm,
      this.device,
      pages,
      gfp,
      single,
      task,
      this.config.hooks,
    );
    return this.finish(
      "noncontig_alloc",
      pages,
      r,
      "noncontig",
      start,
      noncontigRejects(this.device, gfp),
    );
  }

  private finish(
    op: BufferResult["op"],
    pages: number,
    r: PathResult,
    path: SndPath,
    start: number,
    rejected: string | null,
  ): BufferResult {
    let id: number | null = null;
    if (r.outcome === "ok") {
      id = this.nextId++;
      this.buffers.set(id, r.chunks);
    }
    const result: BufferResult = {
      kind: "buffer",
      op,
      outcome: r.outcome,
      id,
      path,
      pages,
      device: { ...this.device },
      chunks: r.chunks,
      calls: r.calls.map((c) => ({ ...c, gfp: formatGfp(c.gfp) })),
      leaked: r.leaked,
      latencyNs: this.context.clock.now - start,
      rejected,
    };
    this.last = result;
    return result;
  }

  check(): string[] {
    return this.pages.check();
  }

  snapshot(): unknown {
    return {
      variant: this.variant,
      device: this.device,
      buffers: Object.fromEntries(this.buffers),
      pages: this.pages.snapshot(),
    };
  }

  features(): Record<string, number> {
    const last = this.last;
    const outcome = last === null ? 0 : ["ok", "fail", "hang"].indexOf(last.outcome) + 1;
    return {
      ...this.pages.features(),
      bufferOutcome: outcome,
      fallback: last?.path === "fallback" ? 1 : 0,
      chunks: Math.min(15, last?.chunks.length ?? 0),
      live: Math.min(7, this.buffers.size),
    };
  }
}
