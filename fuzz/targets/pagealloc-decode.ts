/**
 * Bytes to page allocator ops: allocations with the gfp combinations drivers really pass (DMA
 * zones, NOIO/NOFS, RETRY_MAYFAIL, NORETRY, NOFAIL, atomic), orders around the costly boundary,
 * frees that consume live blocks, and the pressure that makes the slowpath run: anon and page
 * cache fills, fragmenting releases, NOIO scopes, suspend, page stealers and time.
 */
import type { AllocResult } from "../../src/models/pagealloc/index.js";
import type { PageallocResult } from "../../src/models/pagealloc/model.js";
import type { BootOp, PageallocOp, PressureKind } from "../../src/models/pagealloc/ops.js";
import type { StepDecoder } from "./model-target.js";
import type { Records } from "./records.js";

/** Bytes per record (header and ops). */
export const PAGEALLOC_RECORD_BYTES = 8;

const LAYOUTS = ["x86_64", "x86_64", "rpi4", "x86_64-kdump", "arm64"] as const;
const RAM_MIB = [256, 512, 1024] as const;
const ORDERS = [0, 0, 0, 1, 2, 3, 4, 4, 5, 7, 9, 10] as const;
const GFPS = [
  "GFP_KERNEL",
  "GFP_KERNEL|__GFP_NOWARN",
  "GFP_KERNEL|__GFP_RETRY_MAYFAIL|__GFP_NOWARN",
  "GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN",
  "GFP_NOIO",
  "GFP_NOIO|__GFP_RETRY_MAYFAIL",
  "GFP_NOFS",
  "GFP_ATOMIC",
  "GFP_NOWAIT|__GFP_NOWARN",
  "GFP_KERNEL|GFP_DMA",
  "GFP_KERNEL|GFP_DMA32|__GFP_NOWARN",
  "GFP_HIGHUSER_MOVABLE",
  "GFP_KERNEL|__GFP_NOFAIL",
] as const;
const WHAT: readonly PressureKind[] = ["anon", "file", "kernel"];
const FILL_SHARE = [1 / 16, 1 / 4, 1 / 2, 3 / 4, 1] as const;
const STRIDES = [2, 8, 64, 512] as const;
const STEAL = [0, 64, 1024] as const;
const ADVANCE_MS = [10, 100, 1000] as const;
const KINDS = [
  "alloc",
  "alloc",
  "alloc",
  "alloc",
  "free",
  "free",
  "fill",
  "fill",
  "release",
  "scope",
  "suspend",
  "stealers",
  "advance",
  "exit",
] as const;

/** Decodes one input into ops step by step, tracking the live blocks from results. */
export class PageallocDecoder implements StepDecoder<PageallocOp, PageallocResult> {
  private readonly blocks: { pfn: number; order: number }[] = [];
  readonly init: BootOp;
  private readonly pages: number;

  constructor(private readonly records: Records) {
    const ram = RAM_MIB[records.header(1) % RAM_MIB.length] as number;
    this.pages = ram * 256;
    this.init = {
      op: "boot",
      layout: LAYOUTS[records.header(0) % LAYOUTS.length] as BootOp["layout"],
      ram_mib: ram,
      swap_mib: (records.header(2) & 1) * 256,
      cma_mib: 0,
      hang_ms: 120_000,
    };
  }

  /** The op for record i, or null when there is no live block to free. */
  op(i: number): PageallocOp | null {
    const r = this.records;
    const b1 = r.byte(i, 1);
    const b2 = r.byte(i, 2);
    const b3 = r.byte(i, 3);
    const pid = 1 + (b3 % 4);
    switch (KINDS[r.byte(i, 0) % KINDS.length]) {
      case "alloc":
        return {
          op: "alloc",
          order: ORDERS[b1 % ORDERS.length] as number,
          gfp: GFPS[b2 % GFPS.length] as string,
          comm: "fuzz",
          worker: (b3 & 1) === 1,
        };
      case "free": {
        if (this.blocks.length === 0) return null;
        const [block] = this.blocks.splice(r.u16(i, 1) % this.blocks.length, 1);
        return block ? { op: "free", pfn: block.pfn, order: block.order } : null;
      }
      case "fill":
        return {
          op: "fill",
          what: WHAT[b1 % 3] as PressureKind,
          pages: Math.floor(this.pages * (FILL_SHARE[b2 % FILL_SHARE.length] as number)),
          pid,
        };
      case "release":
        return {
          op: "release",
          what: WHAT[b1 % 3] as PressureKind,
          pid,
          stride: STRIDES[b2 % STRIDES.length] as number,
          keep: b3 & 1,
        };
      case "scope":
        return { op: "scope", noio: (b1 & 1) === 1, nofs: (b1 & 2) === 2 };
      case "suspend":
        return { op: "suspend", on: (b1 & 1) === 1 };
      case "stealers":
        return { op: "stealers", pages: STEAL[b1 % STEAL.length] as number };
      case "advance":
        return { op: "advance", ms: ADVANCE_MS[b1 % ADVANCE_MS.length] as number };
      default:
        return { op: "exit", pid };
    }
  }

  /** Learns a successful allocation's block from its result. */
  observe(_op: PageallocOp, _index: number, result: PageallocResult): void {
    const r = result as AllocResult;
    if (r.kind === "alloc" && r.outcome === "ok" && r.pfn !== null)
      this.blocks.push({ pfn: r.pfn, order: r.order });
  }
}
