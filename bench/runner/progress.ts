/**
 * The progress line of a benchmark run, on stderr: rewritten in place on a terminal (at most ten
 * times a second), one line every `intervalMs` otherwise (CI logs), and a last line at the end.
 */
import { performance } from "node:perf_hooks";

/** Where the line goes: a stream, and whether it is a terminal. */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class Progress {
  private readonly started = performance.now();
  private lastPrint = -Infinity;

  constructor(
    private readonly sink: ProgressSink,
    private readonly total: number,
    /** Jobs already done before this run (resumed). */
    private readonly resumed: number,
    private readonly intervalMs = 10_000,
  ) {}

  /** Reports that `done` of this run's jobs have finished. */
  update(done: number): void {
    const now = performance.now();
    const tty = this.sink.isTTY === true;
    if (now - this.lastPrint < (tty ? 100 : this.intervalMs)) return;
    this.lastPrint = now;
    this.print(done, now, false);
  }

  /** The final line (ends the in-place line on a terminal). */
  finish(done: number): void {
    this.print(done, performance.now(), true);
  }

  private print(done: number, now: number, last: boolean): void {
    const all = done + this.resumed;
    const elapsed = (now - this.started) / 1000;
    const todo = this.total - this.resumed;
    const eta =
      done > 0 && done < todo ? `, ~${Math.ceil((elapsed / done) * (todo - done))} s left` : "";
    const percent = this.total === 0 ? 100 : Math.floor((100 * all) / this.total);
    const line = `bench: ${all}/${this.total} jobs (${percent}%), ${elapsed.toFixed(1)} s${eta}`;
    if (this.sink.isTTY === true) this.sink.write(`\r${line}\x1b[K${last ? "\n" : ""}`);
    else this.sink.write(`${line}\n`);
  }
}
