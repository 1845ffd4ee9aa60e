/**
 * Kernel log text as people paste it, turned into bare printk lines: quoted-printable mail
 * bodies decoded, syslog `#012` escapes split, and per line the mail quotes (`> `, `>> `,
 * `> | `), syslog and journalctl prefixes, dmesg timestamps (`[  12.345678]`, `dmesg -T`), printk
 * caller ids (`[T123]`), console log levels (`<4>`), /dev/kmsg records and tabbed GUI exports
 * stripped. Then lines that the pasting wrapped are joined back: a failure header split before
 * `mode:` or `nodemask=`, a Mem-Info zone line or per-order line wrapped at 80 columns, a
 * `lowmem_reserve[]:` whose numbers were logged one per line.
 */

/** One cleaned line and the 1-based line number in the input where it starts. */
export interface LogLine {
  text: string;
  line: number;
  /** Mail quote depth (`>` marks before the text): lines of one report share it. */
  quote: number;
}

/** The number of leading mail-quote marks of a raw line. */
function quoteDepth(raw: string): number {
  return (/^\s*((?:>\s?)+)/.exec(raw)?.[1] ?? "").replace(/\s/g, "").length;
}

const PREFIXES: readonly RegExp[] = [
  /^\s*(?:>\s?)+/, // mail quotes
  /^\s*\|\s?/, // quoted terminal output ("> | ")
  /^\d{1,2}\/\d{1,2}\/\d{2,4} \d{1,2}:\d\d(?::\d\d)? [AP]M\t[^\t]*\t/, // GUI log export
  /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d| UTC)?\s+(?:\S+\s+kernel:\s*)?/,
  /^\S{3,4}\s+\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)? \S+ kernel:\s*/, // syslog / journalctl
  /^\S{3,4}\s+\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)? \S+ \S+\[\d+\]:\s*/, // other daemons' lines
  /^kernel:\s*/,
  /^[*`]+/, // Markdown bold and code marks around a pasted line
  /^<\d>\s*/, // console log level
  /^\d+,\d+,\d+,[^;]*;/, // /dev/kmsg record
  /^\[\s*\d+\.\d+\]\s?/, // dmesg timestamp
  /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d \d{4}\]\s?/, // dmesg -T
  /^\[\s*[TC]\d+\]\s?/, // printk caller id
];

/** Strips every known prefix, repeatedly (a syslog line may carry a dmesg timestamp too). */
export function stripPrefixes(raw: string): string {
  let text = raw.replace(/\s+$/, "").replace(/[*`]+$/, "");
  for (let round = 0; round < 8; round++) {
    const before = text;
    for (const re of PREFIXES) text = text.trimStart().replace(re, "");
    if (text === before) break;
  }
  return text.trim();
}

/** Decodes quoted-printable soft breaks and =XX escapes when the text uses them. */
function decodeQuotedPrintable(text: string): string {
  const escapes = text.match(/=(?:3D|20|09)/g)?.length ?? 0;
  if (escapes < 2) return text;
  return text
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

const ZONE_START = /^(?:Node \d+ )?(?:DMA32|DMA|Normal|HighMem|Movable|Device) free:\d/;
const ORDER_START = /^(?:Node \d+ )?(?:DMA32|DMA|Normal|HighMem|Movable|Device): .*\d+[*_]\d/;
const ORDER_END = /=\s*\d+\s*kB\s*$/;
const RECORD_START =
  /^(?:Node \d+|lowmem_reserve\[\]|Mem-Info|CPU: |Call Trace|Hardware name|\d+ total pagecache|(?:DMA32|DMA|Normal|HighMem|Movable|Device)[: ])/;

/** Joins `a` and its wrapped continuation `b`: no space when the wrap cut a word or number. */
function glue(a: string, b: string): string {
  const last = a.split(/\s+/).pop() ?? "";
  const cut =
    /[*]$/.test(a) ||
    /^B\b/.test(b) ||
    (!last.includes(":") && /^[a-z_]+[:(]/.test(b) && /[a-z_]$/.test(last));
  return cut ? a + b : `${a} ${b}`;
}

/** Whether `next` continues the record in `text` (a wrapped zone, per-order or header line). */
function continues(text: string, next: string): boolean {
  if (next === "") return false;
  if (/page allocation failure/.test(text) && !/mode:/.test(text)) return /^mode:/.test(next);
  if (/page allocation failure.*mode:\S+,?$/.test(text) || /invoked oom-killer: .*,$/.test(text)) {
    return /^(?:nodemask|order|oom_score_adj|cpuset)/.test(next);
  }
  if (/swiotlb buffer is full \(sz: \d+ bytes\),$/.test(text)) return /^total \d+/.test(next);
  if (/^Node \d+$/.test(text)) return ZONE_START.test(next) || ORDER_START.test(`Node 0 ${next}`);
  if (/^lowmem_reserve\[\]:/.test(text)) return /^\d+(?: \d+)*$/.test(next);
  if (ORDER_START.test(text) && !ORDER_END.test(text)) return /^[\d*_kB() UMEHCIR=]+$/.test(next);
  if (ZONE_START.test(text)) {
    if (RECORD_START.test(next) || /^lowmem/.test(next)) return false;
    // Only the rest of a zone line: `key:NkB` fields (a key may start mid-word after a cut)
    // or the pre-v4.8 `all_unreclaimable? no` tail.
    return /^[a-z_()]*:\s?-?\d/.test(next) || /^[a-z_]*\? (?:yes|no)$/.test(next);
  }
  if (/(?:Not tainted|Tainted: [A-Z ]*)$/.test(text) && /^(?:[A-Z ]*\s)?\d+\.\d+/.test(next))
    return true;
  return false;
}

/** Splits and cleans `text` into printk lines, joining wrapped records back together. */
export function normalizeLog(text: string): LogLine[] {
  const decoded = decodeQuotedPrintable(text.replace(/\r\n?/g, "\n"));
  const raw: LogLine[] = [];
  decoded.split("\n").forEach((line, i) => {
    const quote = quoteDepth(line);
    for (const part of line.split("#012"))
      raw.push({ text: stripPrefixes(part), line: i + 1, quote });
  });
  const out: LogLine[] = [];
  for (let i = 0; i < raw.length; i++) {
    const cur = { ...(raw[i] as LogLine) };
    for (let joined = 0; joined < 12 && i + 1 < raw.length; joined++) {
      const next = (raw[i + 1] as LogLine).text;
      if (!continues(cur.text, next)) break;
      cur.text = /^lowmem_reserve\[\]:|^Node \d+$/.test(cur.text)
        ? `${cur.text} ${next}`
        : glue(cur.text, next);
      i++;
    }
    out.push(cur);
  }
  return out;
}
