/**
 * A page allocation failure (warn_alloc) or an OOM report, replayed on the meminfo model: the
 * dumped zones rebuilt, the request checked in zonelist order with the era of the logged kernel
 * (the slowpath's last attempt is at the min mark with gfp_to_alloc_flags; the OOM killer runs
 * after an attempt at the high mark fails), and the same question asked of other gfps, orders
 * and kernel eras.
 */
import { decodeGfp, type GfpRequest, gfpRequestNames } from "../models/meminfo/gfp-request.js";
import { meminfoModel } from "../models/meminfo/index.js";
import type { MeminfoResult } from "../models/meminfo/model.js";
import type { AllocOp, MeminfoOp } from "../models/meminfo/ops.js";
import { MEMINFO_VARIANTS, variantForVersion } from "../models/meminfo/variants.js";
import { VirtualClock } from "../sim/clock.js";
import { Rng } from "../sim/rng.js";
import type { PageAllocEvent } from "./events.js";
import { type EventVerdict, parseVersion, undecided } from "./verdict.js";
import { zoneOps } from "./zones.js";

type AllocResult = Extract<MeminfoResult, { kind: "alloc" }>;
/** The largest order any configuration allows (arm64 64K pages, FORCE_MAX_ZONEORDER). */
const MAX_LOGGED_ORDER = 20;

/** Runs `ops` then `alloc` on a fresh meminfo model of `variant`; returns the alloc's result and the trace. */
function replay(
  variant: string,
  ops: MeminfoOp[],
  alloc: AllocOp,
): { result: AllocResult; trace: Record<string, unknown>[] } {
  const model = meminfoModel.create(variant, { clock: new VirtualClock(), rng: Rng.seeded(1) });
  const trace: Record<string, unknown>[] = [];
  let last: MeminfoResult = { kind: "ok" };
  for (const op of [...ops, alloc]) {
    last = model.apply(op);
    trace.push({ ...meminfoModel.encodeOp(op), ...meminfoModel.expectationOf(op, last) });
  }
  return { result: last as AllocResult, trace };
}

function describe(ev: PageAllocEvent, req: GfpRequest | null): string {
  const gfp = ev.gfpNames ?? (ev.mode !== null ? `0x${ev.mode.toString(16)}` : "?");
  const what = ev.kind === "oom" ? "OOM kill" : "page allocation failure";
  return `${ev.task}: order-${ev.order} ${gfp} ${what}${req ? ` (highest zone ${req.zone})` : ""}`;
}

/** Judges one page allocation failure or OOM report. */
export function analyzePageAlloc(ev: PageAllocEvent, arch: string | null): EventVerdict {
  const kernel =
    ev.kind === "oom"
      ? "the kernel found no zone above the high mark and invoked the OOM killer"
      : "the kernel failed the request (warn_alloc)";
  const version = parseVersion(ev.version);
  const highmem = ev.memInfo?.zones.some((z) => z.name === "HighMem") ?? false;
  const req = decodeGfp(ev.mode, ev.gfpNames, version ?? [6, 6], highmem);
  const title = describe(ev, req);
  if (ev.order < 0)
    return undecided(
      ev,
      title,
      kernel,
      "order -1: an OOM kill not caused by an allocation (sysrq or memcg)",
    );
  if (req === null) return undecided(ev, title, kernel, "the gfp mask names conflicting zones");
  if (ev.order > MAX_LOGGED_ORDER) {
    return undecided(ev, title, kernel, `order ${ev.order} is beyond any kernel's MAX_ORDER`);
  }
  if (ev.memInfo === null)
    return undecided(
      ev,
      title,
      kernel,
      "no Mem-Info dump follows the report: the zones' state is unknown",
    );
  const { ops, missing, layoutNote } = zoneOps(ev.memInfo);
  if (ops.length <= 1)
    return undecided(ev, title, kernel, "the Mem-Info dump has no usable zone line");
  const notes = [...ev.memInfo.notes];
  const assumptions: string[] = [];
  if (layoutNote) notes.push(layoutNote);
  if (missing.length > 0) notes.push(`zones without free/min/low/high: ${missing.join(", ")}`);
  if (req.unknown.length > 0)
    notes.push(`gfp names not known to the model (ignored): ${req.unknown.join(", ")}`);
  if (ev.mode !== null && ev.gfpNames === null) {
    assumptions.push(
      `the mode 0x${ev.mode.toString(16)} was decoded with the gfp bit table of ${version ? `v${version.join(".")}` : "v6.6 (no version in the log)"}`,
    );
  }
  const era = version ? variantForVersion(version[0], version[1]) : variantForVersion(6, 6);
  const variantWhy = version
    ? `v${version.join(".")} is in ${era.era}, the era of __zone_watermark_ok that meminfo@${era.name} models`
    : "the log names no kernel version; the newest era was used and the other eras were checked too";
  const nodes =
    ev.nodemask && /^\d+(?:[-,]\d+)*$/.test(ev.nodemask) ? expandNodes(ev.nodemask) : "all";
  const alloc: AllocOp = {
    op: "alloc",
    order: ev.order,
    gfp: gfpRequestNames(req),
    mark: ev.kind === "oom" ? "high" : "min",
    nodes,
  };
  const { result, trace } = replay(era.name, ops, alloc);
  const refusedBy = result.checks.filter((c) => !c.ok).map((c) => `Node ${c.node} ${c.text}`);
  if (result.checks.length === 0)
    refusedBy.push(`no populated zone at or below ${result.highest} on the allowed nodes`);
  const dependsOnTypes = result.checks.some((c) => c.assumedTypes);
  if (dependsOnTypes) {
    assumptions.push(
      "the dump printed no migratetype letters for some orders: those free blocks were taken to be on Unmovable/Movable/Reclaimable lists (the verdict depends on it)",
    );
  }
  const otherEras = MEMINFO_VARIANTS.filter((v) => v.name !== era.name).map((v) => ({
    v,
    r: replay(v.name, ops, alloc).result,
  }));
  const wouldChange = alternatives(ev, req, ops, alloc, era.name, result);
  for (const { v, r } of otherEras) {
    if (r.ok !== result.ok)
      wouldChange.push(
        `kernel era ${v.kernel.version}: ${r.ok ? `succeeds in ${r.zone}` : "fails too"} (${r.checks.map((c) => c.text).pop() ?? ""})`,
      );
  }
  const versionDecides = version !== null || otherEras.every(({ r }) => r.ok === result.ok);
  if (!versionDecides)
    assumptions.push(
      "without a kernel version the eras disagree: the verdict depends on the version",
    );
  if (arch === "arm" || highmem)
    notes.push("32-bit machine: lowmem zones and ZONE_HIGHMEM as printed");
  const decidable = !dependsOnTypes && versionDecides;
  const agreement = !decidable ? "undecided" : result.ok ? "disagrees" : "agrees";
  const modelSays = result.ok
    ? `the model serves the request from ${result.zone} (${result.checks[result.checks.length - 1]?.text ?? ""})`
    : `every eligible zone refuses it at the ${alloc.mark} mark`;
  return {
    event: ev,
    title,
    kernel,
    model: "meminfo",
    variant: era.name,
    variantWhy,
    agreement,
    modelSays,
    refusedBy,
    wouldChange,
    assumptions,
    notes,
    trace: { model: "meminfo", variant: era.name, ops: trace },
    cause: result.ok && decidable ? disagreementCause(ev) : null,
  };
}

/** "0-1" -> "0,1". */
function expandNodes(mask: string): string {
  const out: number[] = [];
  for (const part of mask.split(",")) {
    const [a, b] = part.split("-").map(Number) as [number, number | undefined];
    for (let n = a; n <= (b ?? a) && out.length < 1024; n++) out.push(n);
  }
  return out.join(",");
}

/** Why a dump can show room the failing check did not see. */
function disagreementCause(ev: PageAllocEvent): string {
  const pcp = ev.memInfo?.summary.free_pcp;
  return (
    "ambiguous log: Mem-Info is printed after the failing attempt, so pages freed in between " +
    "(an exiting or OOM-killed task, kswapd, other CPUs" +
    (pcp ? `, ${pcp} pages on per-CPU lists` : "") +
    ") show as free; the model only sees the dump"
  );
}

/** Other requests the model was asked about, with what each would have done. */
function alternatives(
  ev: PageAllocEvent,
  req: GfpRequest,
  ops: MeminfoOp[],
  alloc: AllocOp,
  variant: string,
  base: AllocResult,
): string[] {
  const out: string[] = [];
  const ask = (what: string, changed: Partial<AllocOp>): void => {
    const r = replay(variant, ops, { ...alloc, mark: "min", ...changed }).result;
    if (r.ok !== base.ok) out.push(`${what}: ${r.ok ? `succeeds from ${r.zone}` : "fails"}`);
  };
  if (!base.ok) {
    for (let order = ev.order - 1; order >= 0; order--) {
      const r = replay(variant, ops, { ...alloc, order }).result;
      if (r.ok) {
        out.push(`a smaller request: order ${order} (${4 << order} KiB) succeeds from ${r.zone}`);
        break;
      }
    }
    if (!req.high)
      ask("GFP_ATOMIC reserves (__GFP_HIGH, no direct reclaim)", {
        gfp: gfpRequestNames({ ...req, high: true, atomic: true, directReclaim: false }),
      });
    if (req.zone === "DMA" || req.zone === "DMA32")
      ask("without the zone modifier (any zone)", {
        gfp: gfpRequestNames({ ...req, zone: "Normal" }),
      });
    if (!req.movable)
      ask("a movable request (may use CMA pageblocks)", {
        gfp: gfpRequestNames({ ...req, movable: true }),
      });
    const short = base.checks
      .filter((c) => c.refusedBy === "free")
      .map((c) => `${c.zone} ${c.shortBy}`);
    if (short.length > 0)
      out.push(
        `more free memory: each zone lacked pages for the free test (${short.join(", ")} pages)`,
      );
    if (base.checks.some((c) => c.refusedBy === "order"))
      out.push(
        "less fragmentation: compaction making one free block of the order on a usable list",
      );
  }
  return out;
}
