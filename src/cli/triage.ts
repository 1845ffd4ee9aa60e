/**
 * `dmafuzz triage FILE... [--json] [--markdown] [--out DIR]`: reads kernel logs as people paste
 * them, recognises allocator failure events, replays each on the matching model and explains the
 * verdict (src/triage). With --out, writes report.txt, report.md, report.json and one replayable
 * JSONL trace per event.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../sim/atomic-write.js";
import { renderJson, renderMarkdown, renderText, traceName, traceText } from "../triage/render.js";
import { triageText } from "../triage/triage.js";
import type { EventVerdict } from "../triage/verdict.js";
import { type CliContext, type CommandResult, printed } from "./command.js";
import { parseOptions } from "./parse-options.js";
import { UsageError } from "./usage-error.js";

/** `dmafuzz help triage`. */
export const triageUsage = `Usage: dmafuzz triage [--json | --markdown] [--out DIR] FILE...

Reads kernel log text as pasted (dmesg with or without timestamps, journalctl and syslog lines,
serial consoles, mail quotes, wrapped lines) and recognises page allocation failures and OOM
reports with their Mem-Info dumps, swiotlb 'buffer is full', cma_alloc failures, DMA atomic pool
lines and ALSA/SOF buffer failures. Each event is replayed on the model of the nearest kernel
version (meminfo, swiotlb, cma, dmapool): does the model agree with the kernel, which check refused
the request in the kernel's own arithmetic, and what would have changed it.

Options:
  --json          print JSON instead of text
  --markdown      print Markdown instead of text
  --out DIR       also write DIR/report.{txt,md,json} and DIR/<log>.<n>.<model>.jsonl traces
                  (replay them with 'dmafuzz replay --model <model> --variant <variant>')
  -h, --help      show this help

Exit status: 0 done (whatever the verdicts), 2 bad input (no file, unreadable file).`;

function readLog(file: string): string {
  try {
    return readFileSync(file, "latin1");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new UsageError(`${file}: cannot read (${code})`);
  }
}

/** Runs `dmafuzz triage` with the arguments after the command name. */
export function triageCommand(args: string[], _context: CliContext): CommandResult {
  const { values, positionals } = parseOptions("triage", args, {
    json: { type: "boolean" },
    markdown: { type: "boolean" },
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return printed([triageUsage]);
  if (positionals.length === 0) throw new UsageError("triage: no log file given");
  if (values.json && values.markdown)
    throw new UsageError("triage: --json and --markdown exclude each other");
  const results = positionals.map((file) => triageText(readLog(file), file));
  const traces = new Map<EventVerdict, string>();
  if (values.out !== undefined) {
    mkdirSync(values.out, { recursive: true });
    for (const r of results) {
      r.verdicts.forEach((v, i) => {
        const text = traceText(v);
        if (text === null) return;
        const path = join(values.out as string, traceName(r.file, i + 1, v));
        writeFileAtomic(path, text);
        traces.set(v, path);
      });
    }
    writeFileAtomic(join(values.out, "report.txt"), `${renderText(results, traces).join("\n")}\n`);
    writeFileAtomic(
      join(values.out, "report.md"),
      `${renderMarkdown(results, traces).join("\n")}\n`,
    );
    writeFileAtomic(join(values.out, "report.json"), `${renderJson(results, traces)}\n`);
  }
  if (values.json) return printed([renderJson(results, traces)]);
  return printed(values.markdown ? renderMarkdown(results, traces) : renderText(results, traces));
}
