/**
 * agent/health/deadline.ts's wheel on a manual clock: deadlines of several durations expire in
 * due order after the I/O of their turn, a cancelled one never does, and a timer that fires late
 * (the agent was stalled) extends a deadline by the lateness, at most `timeoutMs` in all.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DeadlineWheel, IDLE_DEADLINE, STALL_TOLERANCE_MS } from '../../agent/health/deadline.js';
import type { DeadlineEntry, WheelTimers } from '../../agent/health/deadline.js';

/** A manual clock: `advance` runs the timers due (late by what it skips), then the after-I/O queue. */
function manualTimers() {
  let nowMs = 0;
  let timers: { atMs: number; fn: () => void }[] = [];
  let afterIo: (() => void)[] = [];
  const api: WheelTimers = {
    now: () => nowMs,
    setTimer: (fn, ms) => {
      const t = { atMs: nowMs + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimer: (handle) => (timers = timers.filter((t) => t !== handle)),
    afterIo: (fn) => afterIo.push(fn),
  };
  /** Moves the clock to `toMs` in one jump (a stall when the jump passes a timer). */
  const jump = (toMs: number): void => {
    nowMs = toMs;
    for (;;) {
      const due = timers.filter((t) => t.atMs <= nowMs).sort((a, b) => a.atMs - b.atMs)[0];
      if (due === undefined) break;
      timers = timers.filter((t) => t !== due);
      due.fn();
      const queued = afterIo;
      afterIo = [];
      queued.forEach((fn) => fn());
    }
  };
  /** Moves the clock 1 ms at a time (timers fire on time). */
  const advance = (toMs: number): void => {
    while (nowMs < toMs) jump(nowMs + 1);
  };
  return { api, jump, advance, armed: () => timers.length };
}

function entry(name: string, log: string[]): DeadlineEntry {
  return {
    ...IDLE_DEADLINE,
    expire: () => log.push(name),
    stalled: (lateMs, extendedMs) => log.push(`${name} stalled ${lateMs} +${extendedMs}`),
  };
}

describe('DeadlineWheel', () => {
  test('deadlines of several durations expire in due order, on time; a cancelled one never', () => {
    const t = manualTimers();
    const wheel = new DeadlineWheel(t.api);
    const log: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => entry(n, log)) as DeadlineEntry[];
    wheel.start(a!, 300);
    t.advance(10);
    wheel.start(b!, 100);
    wheel.start(c!, 300);
    wheel.start(d!, 100);
    wheel.cancel(d!);
    t.advance(109);
    assert.deepEqual(log, []);
    t.advance(110);
    assert.deepEqual(log, ['b']);
    t.advance(299);
    assert.deepEqual(log, ['b']);
    t.advance(310);
    assert.deepEqual(log, ['b', 'a', 'c']);
    assert.equal(t.armed(), 0, 'no timer left once no deadline waits');
  });

  test('cancelled between falling due and the after-I/O turn: not expired', () => {
    const t = manualTimers();
    const wheel = new DeadlineWheel({ ...t.api, afterIo: (fn) => queueMicrotask(fn) });
    const log: string[] = [];
    const a = entry('a', log);
    wheel.start(a, 100);
    t.advance(100);
    wheel.cancel(a);
    return Promise.resolve().then(() => assert.deepEqual(log, []));
  });

  test('a late timer extends the deadline by its lateness, at most timeoutMs in all', () => {
    const t = manualTimers();
    const wheel = new DeadlineWheel(t.api);
    const log: string[] = [];
    wheel.start(entry('a', log), 200);
    wheel.start(entry('b', log), 1000);
    t.jump(200 + STALL_TOLERANCE_MS); // late by exactly the tolerance: ordinary slack
    assert.deepEqual(log, ['a']);
    t.jump(1600); // b is 600 ms late: extended by 600
    assert.deepEqual(log, ['a', 'b stalled 600 +600']);
    t.jump(2900); // late again by 700: only 400 of the budget left
    assert.deepEqual(log, ['a', 'b stalled 600 +600', 'b stalled 700 +400']);
    t.jump(4000); // late again, no budget left: expires
    assert.deepEqual(log.slice(3), ['b']);
  });
});
