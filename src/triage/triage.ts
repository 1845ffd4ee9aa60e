/**
 * `dmafuzz triage` without the CLI: one log's text in, its events judged. ALSA/SOF buffer
 * failures are judged through the page allocation failure that the same log shows just before
 * them (snd_dma_alloc_pages and SOF's firmware buffers come from dma_alloc_* and the page
 * allocator); without one they stay undecided.
 */
import { analyzePageAlloc } from "./analyze-alloc.js";
import { analyzeCma } from "./analyze-cma.js";
import { analyzePool } from "./analyze-pool.js";
import { analyzeSwiotlb } from "./analyze-swiotlb.js";
import type { ParsedLog, SoundEvent, TriageEvent } from "./events.js";
import { parseLog } from "./parse.js";
import { type EventVerdict, undecided } from "./verdict.js";

/** The result for one log. */
export interface TriageResult {
  file: string;
  parsed: Omit<ParsedLog, "events">;
  verdicts: EventVerdict[];
}

const SOUND_WINDOW = 400;

function analyzeSound(ev: SoundEvent, before: readonly EventVerdict[]): EventVerdict {
  const title = `${ev.device ?? "ALSA"}: DMA buffer allocation failed${ev.errno !== null ? ` (${ev.errno})` : ""}`;
  const kernel = "the driver could not get its DMA buffer";
  const cause = [...before]
    .reverse()
    .find(
      (v) =>
        (v.event.kind === "page-alloc" || v.event.kind === "swiotlb-full") &&
        ev.line - v.event.line <= SOUND_WINDOW,
    );
  if (cause === undefined)
    return undecided(
      ev,
      title,
      kernel,
      "no page allocation failure or swiotlb report precedes it in the log: the failing request is unknown",
    );
  return {
    ...cause,
    event: ev,
    title,
    kernel,
    notes: [
      `judged through the ${cause.event.kind} report at line ${cause.event.line}: ${cause.title}`,
      ...cause.notes,
    ],
    trace: null,
  };
}

function judge(ev: TriageEvent, parsed: ParsedLog, before: readonly EventVerdict[]): EventVerdict {
  const version =
    (ev.kind === "page-alloc" || ev.kind === "oom" ? ev.version : null) ?? parsed.context.version;
  switch (ev.kind) {
    case "page-alloc":
    case "oom":
      return analyzePageAlloc(ev.version === null ? { ...ev, version } : ev, parsed.context.arch);
    case "swiotlb-full":
      return analyzeSwiotlb(ev, parsed.context, version);
    case "cma-alloc":
      return analyzeCma(ev, parsed.context);
    case "atomic-pool":
      return analyzePool(ev, parsed.context, version);
    case "alsa":
      return analyzeSound(ev, before);
  }
}

/** Parses and judges one log. Never throws for any text. */
export function triageText(text: string, file: string): TriageResult {
  const parsed = parseLog(text);
  const verdicts: EventVerdict[] = [];
  for (const ev of parsed.events) {
    try {
      verdicts.push(judge(ev, parsed, verdicts));
    } catch (error) {
      // A state the log spells out but a model cannot take (a zone the layout lacks, numbers
      // past a model's limits) is bad input for that event, not for the whole log.
      const why = error instanceof Error ? error.message : String(error);
      verdicts.push(
        undecided(
          ev,
          `${ev.kind} at line ${ev.line}`,
          ev.text,
          `the model could not take the rebuilt state: ${why}`,
        ),
      );
    }
  }
  const { skipped, lines, notes, context } = parsed;
  return { file, parsed: { skipped, lines, notes, context }, verdicts };
}
