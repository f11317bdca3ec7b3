/**
 * agent/health/settle.ts: probes sharing one abort signal (as the runner's do) are all settled
 * "aborted" by it, each cleaned up once; one settled before the abort is left alone; a signal
 * aborted already settles a new probe at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PASS } from '../../agent/core/health/result.js';
import { settler } from '../../agent/health/settle.js';

const ABORTED = { ok: false, reason: 'error', detail: 'aborted' };

test('one abort signal settles every probe under it, each cleaned up once', async () => {
  const ac = new AbortController();
  const cleanups: number[] = [0, 0, 0];
  const probes = cleanups.map((_, i) =>
    settler({ timeoutMs: 60_000, signal: ac.signal }, () => cleanups[i]!++),
  );
  probes[1]!.settle(PASS);
  ac.abort();
  ac.abort();
  assert.deepEqual(await Promise.all(probes.map((p) => p.promise)), [ABORTED, PASS, ABORTED]);
  assert.deepEqual(cleanups, [1, 1, 1]);
  assert.ok(probes.every((p) => p.done()));
});

test('a signal aborted already settles a new probe as aborted', async () => {
  const ac = new AbortController();
  ac.abort();
  let cleaned = 0;
  const s = settler({ timeoutMs: 60_000, signal: ac.signal }, () => cleaned++);
  assert.deepEqual(await s.promise, ABORTED);
  assert.equal(cleaned, 1);
});

test('the deadline settles with the onTimeout result', async () => {
  const s = settler(
    { timeoutMs: 5 },
    () => undefined,
    () => PASS,
  );
  assert.deepEqual(await s.promise, PASS);
  const t = settler({ timeoutMs: 5 }, () => undefined);
  assert.deepEqual(await t.promise, {
    ok: false,
    reason: 'timeout',
    detail: 'no answer within 5 ms',
  });
});
