/**
 * Statement counters that repeat another counter. istanbul counts every statement, but in
 * straight-line code a statement runs exactly as often as the simple statement before it in the
 * same block, and the first statement of a function body as often as the function's entry
 * counter. Their counts add no feature (only an exception thrown mid-way tells them apart), so
 * the engine drops their increments and keeps one counter per straight run: fewer counters to
 * increment, read and zero at every execution.
 */
import type { Instrumenter } from "istanbul-lib-instrument";

type FileCoverageData = ReturnType<Instrumenter["lastFileCoverage"]>;
type Range = FileCoverageData["statementMap"][string];

const SEPARATOR = String.raw`(?:\s|;|\/\/[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)`;
const NAME = String.raw`[A-Za-z_$][\w$]*`;
/**
 * What may separate two statements that always run together: whitespace, semicolons, comments,
 * declarations without initializer, and the head of a declaration (`let x =`, `, y =`) whose
 * initializer is the next statement (istanbul counts a declarator's initializer as a statement).
 * Nothing that runs code or opens or closes a block.
 */
const GAP = new RegExp(
  `^${SEPARATOR}*(?:(?:let|var)\\s+${NAME}(?:\\s*,\\s*${NAME})*\\s*;${SEPARATOR}*)*` +
    `(?:(?:(?:let|const|var)\\s+|,\\s*)${NAME}\\s*=\\s*)?$`,
);

/** Character offsets of `source` for istanbul positions (1-based lines, 0-based columns). */
function offsets(source: string): (position: Range["start"]) => number {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === "\n") lineStarts.push(i + 1);
  return (position) => (lineStarts[position.line - 1] ?? source.length) + position.column;
}

/**
 * Whether each statement (by istanbul statement id) repeats another counter. Statement b repeats
 * statement a when a is simple (contains no statement), both have the same enclosing statement,
 * and only blank text separates them; it repeats a function's entry when only blank text
 * separates it from the opening brace of the function body.
 */
export function redundantStatements(coverage: FileCoverageData, source: string): boolean[] {
  const at = offsets(source);
  const spans = Object.values(coverage.statementMap).map((loc) => ({
    start: at(loc.start),
    end: at(loc.end),
  }));
  const within = (outer: { start: number; end: number }, inner: { start: number; end: number }) =>
    outer.start <= inner.start &&
    inner.end <= outer.end &&
    (outer.start !== inner.start || outer.end !== inner.end);
  // The innermost statement strictly containing each statement (-1: none), and simple ones.
  const parent = spans.map((span, s) => {
    let best = -1;
    spans.forEach((candidate, c) => {
      if (c !== s && within(candidate, span) && (best < 0 || within(spans[best]!, candidate)))
        best = c;
    });
    return best;
  });
  const simple = spans.map((span, s) => !spans.some((other, o) => o !== s && within(span, other)));
  const bodies = Object.values(coverage.fnMap)
    .map((fn) => at(fn.loc.start))
    .filter((start) => source[start] === "{");
  const blank = (from: number, to: number) => from <= to && GAP.test(source.slice(from, to));
  const order = spans.map((_, s) => s).sort((a, b) => spans[a]!.start - spans[b]!.start);
  const redundant = spans.map(() => false);
  order.forEach((b, k) => {
    const span = spans[b]!;
    if (bodies.some((body) => blank(body + 1, span.start))) {
      redundant[b] = true;
      return;
    }
    // The statement just before b in the same enclosing statement.
    for (let j = k - 1; j >= 0; j--) {
      const a = order[j]!;
      if (parent[a] !== parent[b] || spans[a]!.end > span.start) continue;
      redundant[b] = simple[a]! && blank(spans[a]!.end, span.start);
      return;
    }
  });
  return redundant;
}
