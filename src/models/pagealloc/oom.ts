/**
 * __alloc_pages_may_oom and out_of_memory (mm/page_alloc.c, mm/oom_kill.c v6.6 = v6.8): the
 * last freelist try at the high watermark, the bail-outs (costly order, RETRY_MAYFAIL/THISNODE,
 * highest zone below NORMAL, pm_suspended_storage), out_of_memory's "no __GFP_FS: report progress
 * without killing", and a kill of the process with the largest RSS (oom_badness with every
 * oom_score_adj 0), whose memory the OOM reaper frees at once. Simplified: one task per process,
 * oom_lock never contended, no memcg or cpuset OOM.
 */
import { ALLOC_CPUSET, ALLOC_NO_WATERMARKS } from "./buddy.js";
import { COST } from "./costs.js";
import { __GFP_FS, __GFP_NOFAIL, type Gfp, gfpMode, pmSuspendedStorage } from "./gfp.js";
import { MAX_PID, type Block, type Mm } from "./mm.js";
import { WMARK_HIGH } from "./watermarks.js";
import { K_ANON, LRU_ANON, PINNED, type Zone } from "./zone.js";

/** The outcome of one __alloc_pages_may_oom call. */
export interface OomOutcome {
  block: Block | undefined;
  progress: boolean;
  killed: number | null;
  /** Kernel log lines it printed. */
  log: string[];
}

/** __alloc_pages_may_oom. */
export function allocPagesMayOom(
  mm: Mm,
  gfp: Gfp,
  order: number,
  highest: number,
  mt: number,
  kind: number,
  tag: number,
  comm: string,
): OomOutcome {
  const out: OomOutcome = { block: undefined, progress: false, killed: null, log: [] };
  // The last try drops __GFP_DIRECT_RECLAIM and adds HARDWALL: flags this walk does not read.
  out.block = mm.getPageFromFreelist(order, WMARK_HIGH | ALLOC_CPUSET, highest, mt, kind, tag);
  if (out.block !== undefined) return out;
  // The bail-outs (costly order, RETRY_MAYFAIL/THISNODE, highest zone below NORMAL, suspend).
  const pmSuspended = pmSuspendedStorage(mm.gfpAllowed);
  const args = { gfp, order, highest_zoneidx: highest, pm_suspended_storage: pmSuspended };
  if (mm.variant.hooks.__alloc_pages_may_oom(args, mm.policy)) return out;
  if (!(gfp & __GFP_FS)) {
    out.progress = true; // out_of_memory() returns true without a kill for NOFS/NOIO
  } else {
    const victim = selectVictim(mm);
    if (victim === 0) {
      out.log.push(
        `${comm} invoked oom-killer: gfp_mask=${gfpMode(gfp)}, order=${order}, oom_score_adj=0`,
      );
      out.log.push("Out of memory and no killable processes...");
    } else {
      out.log.push(
        `${comm} invoked oom-killer: gfp_mask=${gfpMode(gfp)}, order=${order}, oom_score_adj=0`,
      );
      const rssKb = (mm.rss[victim] as number) * 4;
      out.log.push(
        `Out of memory: Killed process ${victim} (proc${victim}) total-vm:${rssKb}kB, anon-rss:${rssKb}kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:0kB oom_score_adj:0`,
      );
      killProcess(mm, victim);
      mm.clock.advance(COST.oomKillNs);
      out.killed = victim;
      out.progress = true;
    }
  }
  if (!out.progress && gfp & __GFP_NOFAIL) {
    // WARN_ON_ONCE_GFP(gfp_mask & __GFP_NOFAIL) is true: progress, then no-watermarks access.
    out.progress = true;
    out.block = mm.getPageFromFreelist(
      order,
      ALLOC_NO_WATERMARKS | ALLOC_CPUSET,
      highest,
      mt,
      kind,
      tag,
    );
  }
  return out;
}

/** select_bad_process: the live process with the most anonymous memory; 0 when none. */
function selectVictim(mm: Mm): number {
  let best = 0;
  for (let pid = 1; pid <= MAX_PID; pid++) {
    if (!mm.alive[pid] || (mm.rss[pid] as number) <= 0) continue;
    if (best === 0 || (mm.rss[pid] as number) > (mm.rss[best] as number)) best = pid;
  }
  return best;
}

/**
 * Process exit (or OOM kill plus reaper): frees every anonymous page of `pid`, except those
 * `mm.heldAfterExit` keeps (a pin the process does not own): they lose their mapping (pid 0,
 * counted in rss[0]) but stay allocated and pinned.
 */
export function killProcess(mm: Mm, pid: number): number {
  let freed = 0;
  const held = mm.heldAfterExit;
  for (const z of mm.node.zones as Zone[]) {
    for (let i = z.lruHead[LRU_ANON] as number; i !== 0xffffff;) {
      const next = z.next(i);
      if (z.kind(i) === K_ANON && (z.tag(i) & 0x7f) === pid) {
        if (held?.(z, i)) {
          z.setTag(i, z.tag(i) & PINNED);
          mm.rss[pid] = (mm.rss[pid] as number) - 1;
          mm.rss[0] = (mm.rss[0] as number) + 1;
        } else {
          mm.release(z, i);
          freed++;
        }
      }
      i = next;
    }
  }
  mm.alive[pid] = 0;
  return freed;
}
