/**
 * agent/vrrp/precise-timer.ts: the Master_Down_Timer's two-stage sleep and spin. Behaviour only
 * (never before the deadline, once, cancellable); how close after the deadline it fires is
 * measured by the failover benchmark, not asserted here.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setPreciseTimeout } from '../../agent/vrrp/precise-timer.js';

const now = () => performance.now();

describe('setPreciseTimeout', () => {
  for (const delayMs of [0, 1, 3, 25, 120]) {
    test(`fires once, never before its deadline (${delayMs} ms)`, async () => {
      const deadline = now() + delayMs;
      const fired: number[] = [];
      await new Promise<void>((resolve) => {
        setPreciseTimeout(deadline, now, (t) => {
          fired.push(t);
          resolve();
        });
      });
      await new Promise((r) => setTimeout(r, 10));
      assert.equal(fired.length, 1);
      assert.ok(fired[0]! >= deadline, `fired ${deadline - fired[0]!} ms early`);
    });
  }

  test('a deadline in the past fires at once, synchronously', () => {
    let fired = false;
    setPreciseTimeout(now() - 5, now, () => (fired = true));
    assert.equal(fired, true);
  });

  test('cancel before any stage prevents firing', async () => {
    let fired = false;
    const timer = setPreciseTimeout(now() + 20, now, () => (fired = true));
    timer.cancel();
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(fired, false);
  });

  test('uses a clock it is given, read until the deadline', () => {
    let t = 100;
    const clock = () => (t += 0.25);
    let firedAt = 0;
    setPreciseTimeout(101, clock, (at) => (firedAt = at));
    assert.equal(firedAt, 101);
  });
});
