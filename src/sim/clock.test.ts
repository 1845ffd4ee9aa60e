import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "./clock.js";

const hzArb = fc.oneof(
  fc.constantFrom(100, 250, 300, 1000, 1024),
  fc.integer({ min: 1, max: 1e9 }),
);

/** The jiffies value read at the last safe nanosecond. */
function lastJiffy(hz: number): number {
  return Number((BigInt(Number.MAX_SAFE_INTEGER) * BigInt(hz)) / 1_000_000_000n);
}

describe("VirtualClock construction", () => {
  it("starts at 0 with HZ=250 by default", () => {
    const clock = new VirtualClock();
    expect(clock.hz).toBe(250);
    expect(clock.now).toBe(0);
    expect(clock.jiffies).toBe(0);
    expect(clock.nextTimerAt()).toBeUndefined();
  });

  it("rejects a non-positive or non-integer HZ", () => {
    for (const hz of [0, -250, 2.5, Number.NaN]) {
      expect(() => new VirtualClock({ hz })).toThrow(RangeError);
    }
  });
});

describe("jiffies conversions", () => {
  it("reads jiffies as floor(now * hz / 1e9) over the whole safe range", () => {
    fc.assert(
      fc.property(hzArb, fc.maxSafeNat(), (hz, now) => {
        const clock = new VirtualClock({ hz });
        clock.advance(now);
        expect(clock.jiffies).toBe(Number((BigInt(now) * BigInt(hz)) / 1_000_000_000n));
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it("ticks at HZ=250 every 4 ms", () => {
    const clock = new VirtualClock();
    clock.advance(3_999_999);
    expect(clock.jiffies).toBe(0);
    clock.advance(1);
    expect(clock.jiffies).toBe(1);
  });

  it("rounds msecs_to_jiffies up, like the kernel", () => {
    const hz250 = new VirtualClock();
    expect(hz250.msecsToJiffies(100)).toBe(25);
    expect(hz250.msecsToJiffies(1)).toBe(1);
    expect(hz250.msecsToJiffies(0)).toBe(0);
    expect(hz250.msecsToJiffies(5)).toBe(2);
    expect(new VirtualClock({ hz: 100 }).msecsToJiffies(15)).toBe(2);
    expect(new VirtualClock({ hz: 1000 }).msecsToJiffies(7)).toBe(7);
    expect(new VirtualClock({ hz: 300 }).msecsToJiffies(10)).toBe(3);
  });

  it("msecsToJiffies is ceil(ms * hz / 1000)", () => {
    fc.assert(
      fc.property(hzArb, fc.integer({ min: 0, max: 2 ** 40 }), (hz, ms) => {
        const p = BigInt(ms) * BigInt(hz);
        const expected = p / 1000n + (p % 1000n === 0n ? 0n : 1n);
        const clock = new VirtualClock({ hz });
        if (expected > BigInt(Number.MAX_SAFE_INTEGER)) {
          expect(() => clock.msecsToJiffies(ms)).toThrow(RangeError);
        } else {
          expect(clock.msecsToJiffies(ms)).toBe(Number(expected));
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it("jiffiesToNs is the first nanosecond at which jiffies reads j", () => {
    fc.assert(
      fc.property(hzArb, fc.integer({ min: 1, max: 2 ** 32 }), (hz, j0) => {
        const clock = new VirtualClock({ hz });
        const j = Math.min(j0, lastJiffy(hz));
        const ns = clock.jiffiesToNs(j);
        clock.advanceTo(ns - 1);
        expect(clock.jiffies).toBe(j - 1);
        clock.advance(1);
        expect(clock.jiffies).toBe(j);
      }),
      { seed: 42, numRuns: 300 },
    );
    expect(new VirtualClock().jiffiesToNs(0)).toBe(0);
    expect(() => new VirtualClock().jiffiesToNs(lastJiffy(250) + 1)).toThrow(RangeError);
    expect(new VirtualClock().jiffiesToNs(25)).toBe(100_000_000);
  });

  it("rejects negative or fractional arguments", () => {
    const clock = new VirtualClock();
    expect(() => clock.msecsToJiffies(-1)).toThrow(RangeError);
    expect(() => clock.msecsToJiffies(0.5)).toThrow(RangeError);
    expect(() => clock.jiffiesToNs(-1)).toThrow(RangeError);
  });
});

describe("timers", () => {
  it("fire in (due time, schedule order), each with now at its due time, across advance chunks", () => {
    const plan = fc.record({
      timers: fc.array(fc.record({ at: fc.integer({ min: 0, max: 1000 }), cancel: fc.boolean() }), {
        maxLength: 60,
      }),
      steps: fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 10 }),
    });
    fc.assert(
      fc.property(plan, ({ timers, steps }) => {
        const clock = new VirtualClock();
        const fired: { index: number; now: number }[] = [];
        const ids = timers.map((t, index) =>
          clock.schedule(t.at, () => fired.push({ index, now: clock.now })),
        );
        timers.forEach((t, i) => {
          if (t.cancel) expect(clock.cancel(ids[i] as number)).toBe(true);
        });
        let end = 0;
        for (const step of steps) {
          clock.advance(step);
          end += step;
          expect(clock.now).toBe(end);
        }
        const expected = timers
          .map((t, index) => ({ index, at: t.at, cancel: t.cancel }))
          .filter((t) => !t.cancel && t.at <= end)
          .sort((a, b) => a.at - b.at || a.index - b.index)
          .map(({ index, at }) => ({ index, now: at }));
        expect(fired).toEqual(expected);
        const left = timers.filter((t) => !t.cancel && t.at > end).map((t) => t.at);
        expect(clock.pendingCount).toBe(left.length);
        expect(clock.nextTimerAt()).toBe(left.length > 0 ? Math.min(...left) : undefined);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it("fires timers scheduled by callbacks when they fall due within the window", () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.schedule(10, () => {
      log.push(`a@${clock.now}`);
      clock.schedule(clock.now + 5, () => log.push(`b@${clock.now}`));
      clock.schedule(clock.now, () => log.push(`c@${clock.now}`));
      clock.schedule(clock.now + 100, () => log.push(`d@${clock.now}`));
    });
    clock.advance(20);
    expect(log).toEqual(["a@10", "c@10", "b@15"]);
    expect(clock.now).toBe(20);
    expect(clock.nextTimerAt()).toBe(110);
  });

  it("clamps a past due time to now", () => {
    const clock = new VirtualClock();
    clock.advance(50);
    let firedAt = -1;
    clock.schedule(10, () => {
      firedAt = clock.now;
    });
    expect(clock.nextTimerAt()).toBe(50);
    clock.advance(0);
    expect(firedAt).toBe(50);
  });

  it("tracks pending state through cancel and firing", () => {
    const clock = new VirtualClock();
    const a = clock.schedule(5, () => {});
    const b = clock.schedule(7, () => {});
    expect(clock.isPending(a)).toBe(true);
    expect(clock.cancel(a)).toBe(true);
    expect(clock.cancel(a)).toBe(false);
    expect(clock.isPending(a)).toBe(false);
    expect(clock.nextTimerAt()).toBe(7);
    clock.advanceTo(7);
    expect(clock.isPending(b)).toBe(false);
    expect(clock.cancel(b)).toBe(false);
    expect(clock.cancel(12345)).toBe(false);
  });

  it("a callback may cancel a later timer due in the same window", () => {
    const clock = new VirtualClock();
    const log: number[] = [];
    const later = clock.schedule(8, () => log.push(8));
    clock.schedule(4, () => {
      log.push(4);
      clock.cancel(later);
    });
    clock.advance(10);
    expect(log).toEqual([4]);
  });

  it("leaves now at the due time and the timer consumed when a callback throws", () => {
    const clock = new VirtualClock();
    const id = clock.schedule(30, () => {
      throw new Error("boom");
    });
    expect(() => clock.advance(100)).toThrow("boom");
    expect(clock.now).toBe(30);
    expect(clock.isPending(id)).toBe(false);
    clock.advance(70);
    expect(clock.now).toBe(100);
  });

  it("refuses to advance from inside a timer callback", () => {
    const clock = new VirtualClock();
    clock.schedule(1, () => clock.advance(5));
    expect(() => clock.advance(2)).toThrow("timer callback");
  });

  it("rejects bad times with RangeError", () => {
    const clock = new VirtualClock();
    clock.advance(10);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(1.5)).toThrow(RangeError);
    expect(() => clock.advance(Number.MAX_SAFE_INTEGER)).toThrow(RangeError);
    expect(() => clock.advanceTo(9)).toThrow(RangeError);
    expect(() => clock.schedule(-1, () => {})).toThrow(RangeError);
    expect(() => clock.schedule(0.5, () => {})).toThrow(RangeError);
    expect(clock.now).toBe(10);
  });

  it("advanceTo lands on the absolute time from any starting point", () => {
    const clock = new VirtualClock();
    clock.advance(1_000);
    const fired: number[] = [];
    clock.schedule(1_500, () => fired.push(clock.now));
    clock.advanceTo(2_000);
    expect(clock.now).toBe(2_000);
    expect(fired).toEqual([1_500]);
    clock.advanceTo(2_000);
    expect(clock.now).toBe(2_000);
  });
});
