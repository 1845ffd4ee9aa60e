/**
 * Page pins on the virtual clock. A pin is an extra reference that migration does not expect
 * (spec 3.5: migration of page p succeeds iff refcount(p) = expected at that instant). Per zone,
 * lazily: the latest end of the page's transient pins (ns since boot) and a count of long-term
 * pins, which never drop. Pinned pages carry the page allocator's PINNED tag bit so that its
 * compaction leaves them alone; expired pins clear it lazily, at op boundaries and before every
 * CMA attempt, while `isPinned` always answers for the exact instant. Exit gathers are the pages
 * of an exiting process held by the mmu_gather batch until their TLB flush frees them.
 */
import type { Mm } from "../pagealloc/mm.js";
import { K_ANON, PINNED, type Zone } from "../pagealloc/zone.js";

/** Per-zone pin state. */
interface ZonePins {
  until: Float64Array;
  longterm: Uint8Array;
}

/** The transient pins of one event (a fork, a DIO, an exit batch), each with its end. */
interface PinGroup {
  /** The latest end: the group is processed once it has passed. */
  until: number;
  pfns: Int32Array;
  untils: Float64Array;
  /** An exit batch: the pages are freed when the pins end (tlb_batch_pages_flush). */
  free: boolean;
}

/** What blocks a page: nothing, a transient pin (with its end), or a long-term pin. */
export type PinState =
  { kind: "none" } | { kind: "transient"; until: number } | { kind: "longterm" };

/** All pins of one machine. */
export class PinTable {
  private readonly zones = new Map<Zone, ZonePins>();
  /** Pending transient groups, in no particular order (few at a time). */
  private groups: PinGroup[] = [];
  longtermPages = 0;
  /** The zone isPinned last asked about, and its pin arrays (undefined: none yet). */
  private lastZone: Zone | undefined;
  private lastPins: ZonePins | undefined;

  constructor(private readonly mm: Mm) {
    // A long-term pin is a driver's reference: an OOM kill of the process leaves the page held.
    mm.heldAfterExit = (z, i) => (this.zones.get(z)?.longterm[i] ?? 0) > 0;
  }

  private state(z: Zone): ZonePins {
    let s = this.zones.get(z);
    if (s === undefined) {
      s = { until: new Float64Array(z.size), longterm: new Uint8Array(z.size) };
      this.zones.set(z, s);
      if (z === this.lastZone) this.lastPins = s;
    }
    return s;
  }

  /** Whether the page at local index i of z is pinned now. */
  isPinned(z: Zone, i: number): boolean {
    // Scans ask page after page of one zone: keep its arrays at hand.
    if (z !== this.lastZone) {
      this.lastZone = z;
      this.lastPins = this.zones.get(z);
    }
    const s = this.lastPins;
    if (s === undefined) return false;
    return (s.longterm[i] as number) > 0 || (s.until[i] as number) > this.mm.clock.now;
  }

  /** The pin state of a pfn now. */
  stateOf(pfn: number): PinState {
    const at = this.mm.node.locate(pfn);
    const s = at && this.zones.get(at[0]);
    if (at === undefined || s === undefined) return { kind: "none" };
    if ((s.longterm[at[1]] as number) > 0) return { kind: "longterm" };
    const until = s.until[at[1]] as number;
    return until > this.mm.clock.now ? { kind: "transient", until } : { kind: "none" };
  }

  /** Pins pfns[k] until untils[k] (ns); `free` makes the group an exit batch. */
  pinTransient(pfns: Int32Array, untils: Float64Array, free: boolean): void {
    let until = 0;
    let z = this.mm.node.zones[0] as Zone;
    let s = this.state(z);
    for (let k = 0; k < pfns.length; k++) {
      const pfn = pfns[k] as number;
      if (pfn < z.base || pfn >= z.base + z.size) {
        z = this.mm.node.zoneOf(pfn) as Zone;
        s = this.state(z);
      }
      const i = pfn - z.base;
      const end = untils[k] as number;
      s.until[i] = Math.max(s.until[i] as number, end);
      z.setTag(i, z.tag(i) | PINNED);
      until = Math.max(until, end);
    }
    this.groups.push({ until, pfns, untils, free });
  }

  /** Takes a long-term pin on the page at local index i of z. */
  pinLongterm(z: Zone, i: number): void {
    const s = this.state(z);
    if (s.longterm[i] === 0) this.longtermPages++;
    s.longterm[i] = Math.min(255, (s.longterm[i] as number) + 1);
    z.setTag(i, z.tag(i) | PINNED);
  }

  /** Transient pins still pending, and the latest time one of them ends (0 when none). */
  pendingUntil(): number {
    let latest = 0;
    for (const g of this.groups)
      if (g.until > this.mm.clock.now) latest = Math.max(latest, g.until);
    return latest;
  }

  /** The earliest end of a pending transient pin after now, or Infinity. */
  nextChange(): number {
    const now = this.mm.clock.now;
    let next = Number.POSITIVE_INFINITY;
    for (const g of this.groups) {
      if (g.until <= now) continue;
      for (const end of g.untils) if (end > now && end < next) next = end;
    }
    return next;
  }

  /** Ends every group due by now: clears PINNED where nothing else holds the page, frees exits. */
  expire(): number {
    const now = this.mm.clock.now;
    const due = this.groups.filter((g) => g.until <= now).sort((a, b) => a.until - b.until);
    if (due.length === 0) return 0;
    this.groups = this.groups.filter((g) => g.until > now);
    let freed = 0;
    const later = new Map<number, number[]>();
    let z = this.mm.node.zones[0] as Zone;
    let s = this.state(z);
    for (const g of due) {
      for (const pfn of g.pfns) {
        if (pfn < z.base || pfn >= z.base + z.size) {
          z = this.mm.node.zoneOf(pfn) as Zone;
          s = this.state(z);
        }
        const i = pfn - z.base;
        if (z.kind(i) !== K_ANON) continue;
        if ((s.longterm[i] as number) > 0) continue; // held for good: never freed
        const until = s.until[i] as number;
        if (until > now) {
          // Another transient pin outlives this group: an exit page is freed when it ends.
          if (g.free) {
            const pending = later.get(until);
            if (pending === undefined) later.set(until, [pfn]);
            else pending.push(pfn);
          }
          continue;
        }
        z.setTag(i, z.tag(i) & ~PINNED);
        if (g.free) {
          this.mm.release(z, i);
          freed++;
        }
      }
    }
    for (const [until, pfns] of later) {
      this.groups.push({
        until,
        pfns: Int32Array.from(pfns),
        untils: new Float64Array(pfns.length).fill(until),
        free: true,
      });
    }
    return freed;
  }

  /** Problems between the pin state and the page tags, as messages. */
  check(): string[] {
    const problems: string[] = [];
    for (const [z, s] of this.zones) {
      for (let i = 0; i < z.size; i++) {
        if ((s.longterm[i] as number) > 0 && !(z.kind(i) === K_ANON && z.tag(i) & PINNED)) {
          problems.push(`${z.name}: long-term pinned pfn ${z.base + i} is not a pinned anon page`);
          break;
        }
      }
    }
    return problems;
  }
}
