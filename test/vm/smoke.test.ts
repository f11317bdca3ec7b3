/** @module The VM harness end to end: one VM runs test/vm/guest/smoke.guest.ts (each guest test a subtest here), then the harness's own edges (exit status, output, hard timeout). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReport, runGuestTests } from '../support/vm/guest-runner.js';
import { runInVm, vmPrerequisite } from '../support/vm/qemu.js';

const skip = vmPrerequisite(['ipvsadm', 'ip', 'busybox']);

test('guest smoke tests in one VM', { skip, timeout: 360_000 }, async (t) => {
  await runGuestTests(t, ['test/vm/guest/smoke.guest.ts'], { timeoutMs: 300_000 });
});

test(
  'runInVm returns the exit status, stdout and stderr',
  { skip, timeout: 180_000 },
  async (t) => {
    const result = await runInVm({
      command: ['sh', '-c', 'echo "out $GREETING"; echo err >&2; exit 3'],
      env: { GREETING: "it's me" },
      timeoutMs: 120_000,
      signal: t.signal,
    });
    assert.equal(result.exitCode, 3, result.console);
    assert.equal(result.stdout, "out it's me\n");
    assert.equal(result.stderr, 'err\n');
    assert.equal(result.timedOut, false);
  },
);

test('runInVm kills the VM at its timeout', { skip, timeout: 60_000 }, async (t) => {
  const result = await runInVm({ command: ['sleep', '600'], timeoutMs: 2_000, signal: t.signal });
  assert.equal(result.timedOut, true);
  assert.equal(result.exitCode, null);
  assert.ok(result.totalMs < 10_000, `qemu ran ${result.totalMs} ms`);
});

test('parseReport rebuilds the guest test tree from the JSON lines', () => {
  // What jsonl-reporter.mjs writes for: test a { b (fails), c }, then test d (skipped).
  const line = (name: string, nesting: number, status = 'pass', extra = {}) =>
    JSON.stringify({ status, name, nesting, suite: false, durationMs: 1, ...extra });
  const tests = parseReport(
    [
      line('b', 1, 'fail', { error: { failureType: 'testCodeFailure', message: '1 !== 2' } }),
      line('c', 1),
      line('a', 0, 'fail', {
        error: { failureType: 'subtestsFailed', message: '1 subtest failed' },
      }),
      line('d', 0, 'pass', { skip: 'no ipvs' }),
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    tests.map((t) => [t.name, t.status, t.children.map((c) => `${c.name}:${c.status}`), t.skip]),
    [
      ['a', 'fail', ['b:fail', 'c:pass'], undefined],
      ['d', 'pass', [], 'no ipvs'],
    ],
  );
});
