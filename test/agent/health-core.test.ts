/**
 * agent/core/health: rise/fall hysteresis, server health from its checks, script exit codes
 * (keepalived misc_dynamic), quorum with hysteresis (keepalived sums alive weights), timing
 * resolution and the pure scheduler. The IPVS destinations are in health-decide.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  applyResult,
  initialCheckState,
  serverHealth,
} from '../../agent/core/health/hysteresis.js';
import type { CheckState } from '../../agent/core/health/hysteresis.js';
import { fail, PASS } from '../../agent/core/health/result.js';
import type { ProbeResult } from '../../agent/core/health/result.js';
import { scriptExitResult } from '../../agent/core/health/script-exit.js';
import { quorumUp } from '../../agent/core/health/quorum.js';
import { resolveTiming } from '../../agent/core/health/timing.js';
import { DueQueue } from '../../agent/core/health/due-queue.js';
import {
  firstDueMs,
  nextDueMs,
  nextProbeDueMs,
  nextWakeMs,
  phaseOffsetMs,
  pickToStart,
} from '../../agent/core/health/schedule.js';

const BAD = fail('refused', 'ECONNREFUSED');
const TIMING = { rise: 2, fall: 3 };

function run(start: CheckState, results: readonly ProbeResult[]): boolean[] {
  let s = start;
  return results.map((r) => {
    s = applyResult(s, r, TIMING).state;
    return s.up;
  });
}

describe('hysteresis', () => {
  test('an up check goes down after exactly `fall` consecutive failures', () => {
    assert.deepEqual(run(initialCheckState(true), [BAD, BAD, BAD]), [true, true, false]);
  });
  test('a success in between resets the failure count', () => {
    assert.deepEqual(run(initialCheckState(true), [BAD, BAD, PASS, BAD, BAD]), [
      true,
      true,
      true,
      true,
      true,
    ]);
  });
  test('a down check comes up after exactly `rise` consecutive successes', () => {
    assert.deepEqual(run(initialCheckState(false), [PASS, BAD, PASS, PASS]), [
      false,
      false,
      false,
      true,
    ]);
  });
  test('`changed` is true only on the flip and the reason is kept', () => {
    let s = initialCheckState(true);
    const flips: boolean[] = [];
    for (const r of [BAD, BAD, fail('timeout', 't')]) {
      const step = applyResult(s, r, TIMING);
      flips.push(step.changed);
      s = step.state;
    }
    assert.deepEqual(flips, [false, false, true]);
    assert.equal(s.lastReason, 'timeout');
  });
  test('property: the state equals "the last run of rise passes / fall failures decides"', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.boolean(), { maxLength: 60 }), (initial, oks) => {
        let s = initialCheckState(initial);
        let expected = initial;
        let streak = 0;
        let last: boolean | undefined;
        for (const ok of oks) {
          s = applyResult(s, ok ? PASS : BAD, TIMING).state;
          streak = ok === last ? streak + 1 : 1;
          last = ok;
          if (ok && streak >= TIMING.rise) expected = true;
          if (!ok && streak >= TIMING.fall) expected = false;
          assert.equal(s.up, expected);
        }
      }),
    );
  });
  test('a server is up only when all checks are up; no checks = up', () => {
    const up = initialCheckState(true);
    const down: CheckState = { ...initialCheckState(false), lastReason: 'status' };
    assert.equal(serverHealth([]).up, true);
    assert.equal(serverHealth([up, up]).up, true);
    const h = serverHealth([up, down]);
    assert.equal(h.up, false);
    assert.deepEqual(h.downReasons, ['status']);
  });
  test('dynamic weight: the latest pass sets it, exit 0 clears it, the minimum of checks wins', () => {
    let s = initialCheckState(true);
    s = applyResult(s, { ok: true, weight: 7 }, TIMING).state;
    assert.equal(s.dynamicWeight, 7);
    const other = applyResult(initialCheckState(true), { ok: true, weight: 3 }, TIMING).state;
    assert.equal(serverHealth([s, other]).weightOverride, 3);
    s = applyResult(s, PASS, TIMING).state;
    assert.equal(s.dynamicWeight, undefined);
  });
});

describe('scriptExitResult (keepalived MISC_CHECK / misc_dynamic)', () => {
  const cases: [number | null, boolean, ProbeResult['ok'], number | undefined][] = [
    [0, false, true, undefined],
    [1, false, false, undefined],
    [2, false, false, undefined],
    [0, true, true, undefined],
    [1, true, false, undefined],
    [2, true, true, 0],
    [12, true, true, 10],
    [255, true, true, 253],
    [null, true, false, undefined],
  ];
  for (const [code, dynamic, ok, weight] of cases) {
    test(`exit ${String(code)} dynamic=${dynamic} → ok=${ok} weight=${String(weight)}`, () => {
      const r = scriptExitResult(code, code === null ? 'SIGKILL' : null, dynamic);
      assert.equal(r.ok, ok);
      assert.equal(r.ok ? r.weight : undefined, weight);
      if (!r.ok) assert.equal(r.reason, 'exit');
    });
  }
});

describe('quorumUp (keepalived update_quorum_state)', () => {
  // [quorum, hysteresis, healthyWeight, wasUp, expected]
  const cases: [number, number, number, boolean, boolean][] = [
    [3, 1, 2, true, true], // 2 ≥ 3−1: stays up
    [3, 1, 1, true, false], // 1 < 2: lost
    [3, 1, 3, false, false], // 3 < 3+1: still down
    [3, 1, 4, false, true], // regained at quorum + hysteresis
    [1, 0, 1, false, true],
    [1, 0, 0, true, false],
    [2, 5, 0, true, false], // the `or 0` rule even when quorum − hysteresis < 0
    [2, 5, 1, true, true],
    [0, 0, 0, true, false],
    [0, 0, 1, false, true],
  ];
  for (const [quorum, hysteresis, healthyWeight, wasUp, expected] of cases) {
    test(`quorum ${quorum}±${hysteresis}, weight ${healthyWeight}, was ${wasUp} → ${expected}`, () => {
      assert.equal(quorumUp({ quorum, hysteresis, healthyWeight, wasUp }), expected);
    });
  }
});

describe('resolveTiming', () => {
  test('check overrides, then virtual-server defaults, then built-ins', () => {
    assert.deepEqual(resolveTiming({ intervalMs: 100 }, { intervalMs: 200, fall: 5 }), {
      intervalMs: 100,
      retryIntervalMs: 100,
      timeoutMs: 3000,
      rise: 2,
      fall: 5,
    });
  });
  test("retryIntervalMs: the check's, then the virtual server's, then the check's interval", () => {
    assert.equal(
      resolveTiming({ retryIntervalMs: 300 }, { retryIntervalMs: 400 }).retryIntervalMs,
      300,
    );
    assert.equal(resolveTiming({ intervalMs: 100 }, { retryIntervalMs: 400 }).retryIntervalMs, 400);
    assert.equal(resolveTiming({}, { intervalMs: 700 }).retryIntervalMs, 700);
  });
});

describe('schedule', () => {
  test('nextProbeDueMs: a failure counting toward fall waits retryIntervalMs from its end', () => {
    const timing = { intervalMs: 5000, retryIntervalMs: 1000 };
    assert.equal(nextProbeDueMs(10_000, { up: true, failures: 1 }, timing, 12_000), 13_000);
    assert.equal(nextProbeDueMs(10_000, { up: true, failures: 0 }, timing, 12_000), 15_000);
    assert.equal(nextProbeDueMs(10_000, { up: false, failures: 0 }, timing, 12_000), 15_000);
    assert.equal(
      nextProbeDueMs(10_000, { up: true, failures: 1 }, { intervalMs: 5000 }, 12_000),
      15_000,
    );
  });
  test('phase offsets are stable per key, within the interval, and spread many keys', () => {
    const offsets = Array.from({ length: 1000 }, (_, i) => phaseOffsetMs(`vs/rs${i}/0`, 2000));
    assert.deepEqual(
      offsets,
      Array.from({ length: 1000 }, (_, i) => phaseOffsetMs(`vs/rs${i}/0`, 2000)),
    );
    assert.ok(offsets.every((o) => o >= 0 && o < 2000));
    const buckets = new Set(offsets.map((o) => Math.floor(o / 200)));
    assert.equal(buckets.size, 10, 'every tenth of the interval gets some checks');
    assert.ok(new Set(offsets).size > 500, 'no big pile-up on one instant');
  });
  test('firstDueMs lies within one interval from now', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 1e6 }), fc.nat(), (k, iv, now) => {
        const due = firstDueMs(k, iv, now);
        assert.ok(due >= now && due < now + Math.max(iv, 1));
      }),
    );
  });
  test('nextDueMs is drift-free and skips missed intervals instead of bursting', () => {
    assert.equal(nextDueMs(1000, 100, 1050), 1100);
    assert.equal(nextDueMs(1000, 100, 1100), 1200);
    assert.equal(nextDueMs(1000, 100, 1375), 1400);
  });
  test('pickToStart honours the bound, the due time, order and running checks', () => {
    const due = [
      { key: 'c', dueMs: 5 },
      { key: 'a', dueMs: 5 },
      { key: 'b', dueMs: 1 },
      { key: 'late', dueMs: 50 },
    ];
    assert.deepEqual(pickToStart(due, new Set(), 2, 10), ['b', 'a']);
    assert.deepEqual(pickToStart(due, new Set(['b']), 3, 10), ['a', 'c']);
    assert.deepEqual(pickToStart(due, new Set(['x', 'y']), 2, 10), []);
    assert.equal(nextWakeMs(due), 1);
    assert.equal(nextWakeMs([]), undefined);
  });
});

describe('DueQueue', () => {
  test('property: takeDue picks what pickToStart picks (oldest due first, ties by key)', () => {
    const item = fc.record({
      key: fc.string({ maxLength: 4 }),
      dueMs: fc.integer({ min: 0, max: 50 }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(item, { selector: (d) => d.key, maxLength: 40 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 10 }),
        (due, now, slots) => {
          const q = new DueQueue();
          for (const d of due) q.push(d.key, d.dueMs);
          const live = new Map(due.map((d) => [d.key, d.dueMs]));
          const taken = q.takeDue(now, slots, (k, ms) => live.get(k) === ms);
          assert.deepEqual(taken, pickToStart(due, new Set(), slots, now));
        },
      ),
    );
  });
  test('stale items (re-pushed or removed checks) are skipped', () => {
    const q = new DueQueue();
    q.push('a', 5);
    q.push('b', 6);
    q.push('a', 20); // a rescheduled: the item at 5 is stale
    const live = new Map([
      ['a', 20],
      ['b', 6],
    ]);
    const isLive = (k: string, ms: number) => live.get(k) === ms;
    assert.equal(q.nextDueMs(isLive), 6);
    assert.deepEqual(q.takeDue(30, 10, isLive), ['b', 'a']);
    assert.equal(q.nextDueMs(isLive), undefined);
  });
});
