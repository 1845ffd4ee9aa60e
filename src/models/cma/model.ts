/**
 * The CMA model (mm/cma.c, alloc_contig_range in mm/page_alloc.c, pins per spec 3.5): a page
 * allocator model booted with a default CMA area (MIGRATE_CMA pageblocks, named "reserved" like
 * dma_contiguous_reserve's), the area's bitmap, the pins on the virtual clock, and the variant's
 * retry policy. A release of pages the trace never got is OpRejected.
 */
import { type Model, type ModelContext, OpRejected } from "../model.js";
import { freeContigRange } from "../pagealloc/contig.js";
import { DEFAULT_HANG_NS } from "../pagealloc/costs.js";
import type { Mm } from "../pagealloc/mm.js";
import { PageallocModel, type PageallocResult } from "../pagealloc/model.js";
import { findPageallocVariant } from "../pagealloc/variants.js";
import { K_CMA, type Zone } from "../pagealloc/zone.js";
import type { Rng } from "../../sim/rng.js";
import { PolicyRuntime } from "../policy.js";
import { CmaArea } from "./area.js";
import { type CmaAllocResult, cmaAlloc } from "./cma-alloc.js";
import { type CmaDump, dumpCma } from "./dump.js";
import { type BootOp, type CmaOp, DEFAULT_BOOT } from "./ops.js";
import {
  dioPins,
  exitPins,
  forkPins,
  longtermPins,
  type PinOutcome,
  type PinParams,
  selectPages,
} from "./pin-events.js";
import { PinTable } from "./pins.js";
import type { CmaVariant } from "./variants.js";

export type CmaResult =
  | { kind: "ok" }
  | CmaAllocResult
  | { kind: "count"; n: number }
  | ({ kind: "pins" } & PinOutcome)
  | { kind: "dump"; dump: CmaDump };

const OK: CmaResult = { kind: "ok" };
/** The page allocator underneath: v6.8 (803de9000f33 is in every kernel CMA users run now). */
const PAGEALLOC_VARIANT = "v6.8";

/** A live CMA model of one variant. */
export class CmaModel implements Model<CmaOp, CmaResult> {
  /** Booted on first use unless a boot op comes first (fuzz inputs start with one). */
  private booted = false;
  private pages!: PageallocModel;
  private areaState!: CmaArea;
  private pinTable!: PinTable;
  private params!: PinParams;
  private longtermMigrate = true;
  private hangNs = DEFAULT_HANG_NS;
  /** Live allocations: pfn -> count. */
  readonly live = new Map<number, number>();
  private lastOutcome = 0;
  private readonly rng: Rng;
  /** The policy hooks' context: this model's clock and the policy's own random stream. */
  private readonly runtime: PolicyRuntime;
  /** Fast-forward cma_alloc's repeated rescan cycles (./pass-cycle.ts); false runs every pass. */
  fastForward = true;

  constructor(
    readonly config: CmaVariant,
    private readonly context: ModelContext,
  ) {
    this.rng = context.rng.split("pins");
    this.runtime = new PolicyRuntime(context.clock, () => context.rng.split("policy"));
  }

  get variant(): string {
    return this.config.name;
  }
  /** The page allocator state (for oracles and tests). */
  get mm(): Mm {
    return this.machine.pages.mm;
  }
  get area(): CmaArea {
    return this.machine.area;
  }
  get pins(): PinTable {
    return this.machine.pins;
  }

  /** The booted machine (DEFAULT_BOOT if no boot op came). */
  private get machine(): { pages: PageallocModel; area: CmaArea; pins: PinTable } {
    if (!this.booted) this.boot(DEFAULT_BOOT);
    return { pages: this.pages, area: this.areaState, pins: this.pinTable };
  }

  apply(op: CmaOp): CmaResult {
    if (op.op === "boot") {
      this.boot(op);
      return OK;
    }
    const mm = this.mm;
    this.pinTable.expire();
    switch (op.op) {
      case "alloc": {
        const r = cmaAlloc(
          {
            mm,
            area: this.areaState,
            pins: this.pinTable,
            hooks: this.config.hooks,
            runtime: this.runtime,
            hangNs: this.hangNs,
            fastForward: this.fastForward,
          },
          { count: op.count, align: op.align, noWarn: op.no_warn },
        );
        if (r.pfn !== null) this.live.set(r.pfn, r.count);
        if (op.no_warn) r.log = [];
        this.lastOutcome = ["ok", "fail", "hang"].indexOf(r.outcome) + 1;
        this.pinTable.expire();
        return r;
      }
      case "release":
        this.release(op.pfn, op.count);
        return OK;
      case "fill":
      case "drop":
        return this.passThrough(op);
      case "fork":
        return { kind: "pins", ...forkPins(mm, this.pinTable, this.rng, this.params, op.pid) };
      case "exit":
        return { kind: "pins", ...exitPins(mm, this.pinTable, this.params, op.pid) };
      case "dio": {
        const pfns = selectPages(mm, this.rng, op.pid, op.pages, op.pfn);
        return { kind: "pins", ...dioPins(mm, this.pinTable, this.rng, this.params, pfns) };
      }
      case "longterm_pin": {
        const pfns = selectPages(mm, this.rng, op.pid, op.pages, op.pfn);
        const out = longtermPins(mm, this.pinTable, pfns, op.foll_longterm, this.longtermMigrate);
        return { kind: "pins", ...out };
      }
      case "advance": {
        const r = this.machine.pages.apply({ op: "advance", ms: op.ms }) as {
          kind: "count";
          n: number;
        };
        return { kind: "count", n: r.n + this.pinTable.expire() };
      }
      case "dump":
        return { kind: "dump", dump: dumpCma(mm, this.areaState, this.pinTable, this.live) };
    }
  }

  check(): string[] {
    const problems = this.machine.pages.check();
    problems.push(...this.pinTable.check());
    const area = this.areaState;
    let bits = 0;
    for (const [pfn, count] of this.live) {
      bits += area.pagesToBits(count);
      const [z, i] = this.mm.node.locate(pfn) as [Zone, number];
      for (let k = 0; k < count; k++) {
        if (z.kind(i + k) !== K_CMA) {
          problems.push(`cma: page ${pfn + k} of the allocation at ${pfn} is not a CMA page`);
          break;
        }
      }
    }
    if (bits !== area.weight())
      problems.push(`cma: bitmap has ${area.weight()} bits set, live allocations need ${bits}`);
    return problems;
  }

  snapshot(): unknown {
    return { variant: this.variant, ...dumpCma(this.mm, this.areaState, this.pinTable, this.live) };
  }

  features(): Record<string, number> {
    const area = this.area;
    const pending = this.pinTable.pendingUntil() > this.mm.clock.now ? 1 : 0;
    return {
      lastOutcome: this.lastOutcome,
      usedQuarters: Math.floor((4 * area.weight()) / Math.max(1, area.maxno)),
      liveAllocs: Math.min(this.live.size, 7),
      transientPins: pending,
      longtermPins: Math.min(3, Math.ceil(Math.log2(this.pinTable.longtermPages + 1))),
      freeCmaLog2: Math.floor(Math.log2(this.mm.node.zones.reduce((s, z) => s + z.freeCma, 0) + 1)),
    };
  }

  private boot(op: BootOp): void {
    const pageVariant = findPageallocVariant(PAGEALLOC_VARIANT);
    if (pageVariant === undefined) throw new Error("page allocator variant missing");
    this.pages = new PageallocModel(pageVariant, this.context);
    const booted: PageallocResult = this.pages.apply({
      op: "boot",
      layout: op.layout,
      ram_mib: op.ram_mib,
      swap_mib: op.swap_mib,
      cma_mib: op.cma_mib,
      hang_ms: op.hang_ms,
    });
    if (booted.kind !== "ok") throw new Error("page allocator boot failed");
    this.booted = true;
    const range = this.mm.node.layout.cma[0];
    if (range === undefined) throw new OpRejected("the layout has no CMA area");
    this.areaState = new CmaArea(
      "reserved",
      range.start,
      range.end - range.start,
      op.order_per_bit,
    );
    this.pinTable = new PinTable(this.mm);
    this.live.clear();
    this.longtermMigrate = op.longterm_migrate;
    this.hangNs = op.hang_ms === 120_000 ? DEFAULT_HANG_NS : op.hang_ms * 1_000_000;
    this.params = {
      forkPreemptPpm: op.fork_preempt_ppm,
      forkMedianUs: op.fork_median_us,
      forkP99Us: op.fork_p99_us,
      exitNsPerPage: op.exit_ns_per_page,
      exitMinMs: op.exit_min_ms,
      exitMaxMs: op.exit_max_ms,
      dioMinUs: op.dio_min_us,
      dioMaxUs: op.dio_max_us,
    };
  }

  private passThrough(op: CmaOp & { op: "fill" | "drop" }): CmaResult {
    const r =
      op.op === "fill"
        ? this.pages.apply(op)
        : this.pages.apply({
            op: "release",
            what: op.what,
            pid: 1,
            stride: op.stride,
            keep: op.keep,
          });
    return r as CmaResult;
  }

  /** cma_release: frees the pages (free_contig_range) and clears the bits. */
  private release(pfn: number, count: number): void {
    if (this.live.get(pfn) !== count) {
      throw new OpRejected(`release of pfn ${pfn} count ${count}: not a live cma_alloc allocation`);
    }
    freeContigRange(this.mm, pfn, count);
    this.areaState.clearPages(pfn, count);
    this.live.delete(pfn);
  }
}
