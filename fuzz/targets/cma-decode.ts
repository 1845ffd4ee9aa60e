/**
 * Bytes to CMA ops: cma_alloc requests with boundary sizes and the alignments drivers pass,
 * releases that consume live allocations, the memory pressure that puts user pages into the
 * area (anonymous and kernel fills, kernel frees), and the pin events: fork, exit, direct I/O,
 * long-term pins with and without FOLL_LONGTERM, and time passing. One op is aimed: a plain
 * get_user_pages long-term pin on a process page that sits inside the CMA area, found from the
 * model's state (random pins rarely land there, since user pages reach CMA pageblocks only under
 * pressure): the pin that every cma_alloc candidate covering it fails on.
 */
import type { CmaAllocResult, CmaModel, CmaResult } from "../../src/models/cma/index.js";
import { K_ANON, type Zone } from "../../src/models/pagealloc/zone.js";
import { type BootOp, type CmaOp, DEFAULT_BOOT } from "../../src/models/cma/ops.js";
import type { StepDecoder } from "./model-target.js";
import { boundarySize, type Records } from "./records.js";

/** Bytes per record (header and ops). */
export const CMA_RECORD_BYTES = 6;

const RAM_MIB = [256, 512] as const;
const CMA_MIB = [8, 16, 32, 64] as const;
const ORDER_PER_BIT = [0, 0, 0, 1, 4] as const;
const FORK_PPM = [1000, 20_000, 200_000] as const;
const ALIGNS = [0, 0, 4, 8, 8, 9] as const;
const SHARES = [1 / 8, 1 / 4, 1 / 2, 1] as const;
const STRIDES = [2, 8, 64] as const;
const DIO_PAGES = [1, 16, 256] as const;
const PIN_PAGES = [1, 16] as const;
const ADVANCE_MS = [1, 10, 100, 1000] as const;
const KINDS = [
  "alloc",
  "alloc",
  "alloc",
  "alloc",
  "release",
  "release",
  "fill-anon",
  "fill-anon",
  "fill-kernel",
  "drop",
  "fork",
  "exit",
  "dio",
  "longterm",
  "longterm-in-area",
  "advance",
] as const;

/** Decodes one input into ops step by step, tracking live allocations from results. */
export class CmaDecoder implements StepDecoder<CmaOp, CmaResult> {
  private readonly live: { pfn: number; count: number }[] = [];
  readonly init: BootOp;
  private readonly areaPages: number;
  private readonly pages: number;

  constructor(
    private readonly records: Records,
    private readonly model: CmaModel,
  ) {
    const ram = RAM_MIB[records.header(0) % RAM_MIB.length] as number;
    const cma = CMA_MIB[records.header(1) % CMA_MIB.length] as number;
    this.pages = ram * 256;
    this.areaPages = cma * 256;
    this.init = {
      ...DEFAULT_BOOT,
      ram_mib: ram,
      cma_mib: cma,
      order_per_bit: ORDER_PER_BIT[records.header(2) % ORDER_PER_BIT.length] as number,
      longterm_migrate: (records.header(3) & 1) === 0,
      fork_preempt_ppm: FORK_PPM[records.header(4) % FORK_PPM.length] as number,
    };
  }

  /** The op for record i, or null when there is no live allocation to release. */
  op(i: number): CmaOp | null {
    const r = this.records;
    const b1 = r.byte(i, 1);
    const b2 = r.byte(i, 2);
    const b3 = r.byte(i, 3);
    const pid = 1 + (b3 % 3);
    switch (KINDS[r.byte(i, 0) % KINDS.length]) {
      case "alloc": {
        const size = boundarySize(b1, r.u16(i, 2), Math.log2(this.areaPages));
        return {
          op: "alloc",
          count: Math.min(size, this.areaPages),
          align: ALIGNS[r.byte(i, 4) % ALIGNS.length] as number,
          no_warn: (r.byte(i, 5) & 1) === 1,
        };
      }
      case "release": {
        if (this.live.length === 0) return null;
        const [a] = this.live.splice(r.u16(i, 1) % this.live.length, 1);
        return a ? { op: "release", pfn: a.pfn, count: a.count } : null;
      }
      case "fill-anon":
      case "fill-kernel": {
        const what = KINDS[r.byte(i, 0) % KINDS.length] === "fill-anon" ? "anon" : "kernel";
        const share = SHARES[b1 % SHARES.length] as number;
        return { op: "fill", what, pages: Math.floor(this.pages * share), pid };
      }
      case "drop":
        return {
          op: "drop",
          what: "kernel",
          stride: STRIDES[b1 % STRIDES.length] as number,
          keep: b2 & 1,
        };
      case "fork":
        return { op: "fork", pid };
      case "exit":
        return { op: "exit", pid };
      case "dio":
        return { op: "dio", pid, pages: DIO_PAGES[b1 % DIO_PAGES.length] as number };
      case "longterm":
        return {
          op: "longterm_pin",
          pid,
          pages: PIN_PAGES[b1 % PIN_PAGES.length] as number,
          foll_longterm: (b2 & 1) === 1,
        };
      case "longterm-in-area": {
        const pfn = this.processPageInArea(pid, r.u16(i, 1));
        return pfn === null
          ? null
          : { op: "longterm_pin", pid, pages: 1, pfn, foll_longterm: false };
      }
      default:
        return { op: "advance", ms: ADVANCE_MS[b1 % ADVANCE_MS.length] as number };
    }
  }

  /** The first page of `pid` in the CMA area from offset `at` on (wrapping), or null. */
  private processPageInArea(pid: number, at: number): number | null {
    const model = this.model;
    const { basePfn, count } = model.area;
    const [z, base] = model.mm.node.locate(basePfn) as [Zone, number];
    for (let k = 0; k < count; k++) {
      const i = base + ((at + k) % count);
      if (z.kind(i) === K_ANON && (z.tag(i) & 0x7f) === pid) return z.base + i;
    }
    return null;
  }

  /** Learns a successful allocation from its result. */
  observe(op: CmaOp, _index: number, result: CmaResult): void {
    const r = result as CmaAllocResult;
    if (op.op === "alloc" && r.kind === "cma_alloc" && r.pfn !== null)
      this.live.push({ pfn: r.pfn, count: r.count });
  }
}
