/**
 * The look every dmafuzz HTML page shares (benchmark report, main index, campaign and finding
 * pages, time-to-bug report): one self-contained page with inline CSS, no script and no external
 * resource, so it opens from disk anywhere.
 */

/** The shared style sheet. */
export const PAGE_STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}thead{background:#f3f3f3}figure{margin:1em 0;overflow-x:auto}
figcaption{font-weight:600;margin-bottom:.3em}.differs{font-weight:600}small{color:#555}
table.kv th{text-align:left;background:#f3f3f3;font-weight:600}td.l,table.l td,table.l th{text-align:left}
code,pre{font:13px/1.4 ui-monospace,monospace;background:#f6f6f6}code{padding:0 .2em}pre{padding:.6em;overflow-x:auto}
.ok{color:#070}.bad{color:#b00}.label{display:inline-block;padding:.1em .5em;border-radius:.3em;font-weight:600;font-size:90%}
.unexplained{background:#fde2e1;color:#8a1c13}.known-bug{background:#fff1c2;color:#6b4e00}.kernel-behaviour{background:#dcefdc;color:#1d5b1d}`;

/** The look every dmafuzz chart shares (benchmark, campaign and time-to-bug reports). */
export const CHART_CONFIG = { font: "sans-serif", legend: { orient: "bottom" } } as const;

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A whole page: `title` in the head, `body` (HTML) inside <body>. */
export function htmlPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head>
<body>
${body}
</body></html>
`;
}

/**
 * A table with a header row; cells are HTML (escape text yourself). Numbers align right except
 * in the first column; `left` aligns every column left (tables of text).
 */
export function htmlTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  left = false,
): string {
  const th = head.map((h) => `<th>${h}</th>`).join("");
  const body = rows.map((row) => `<tr>${row.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("");
  return `<table${left ? ' class="l"' : ""}><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}
