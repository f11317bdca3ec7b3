/**
 * Guest test files (test/vm/guest/*.guest.ts) skip like every other tier: with a reason on a
 * developer machine, never in CI (test/support/tier.ts). Proven on the host: a guest file run
 * outside the VM is a missing prerequisite, so with CI=true it fails; and a guest test the guest
 * did skip fails when the host replays it in CI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replayOptions } from '../support/vm/guest-runner.js';

const guestDir = 'test/vm/guest';
const guestFiles = readdirSync(guestDir).filter((f) => f.endsWith('.guest.ts'));

function runGuestFileOnHost(file: string, ci: boolean) {
  const env: NodeJS.ProcessEnv = { ...process.env, FLEETLB_VM: '' };
  delete env.CI;
  delete env.NODE_TEST_CONTEXT; // the child reports for itself, not to this runner
  if (ci) env.CI = 'true';
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test-reporter=tap', join(guestDir, file)],
    {
      encoding: 'utf8',
      env,
      timeout: 120_000,
    },
  );
}

test('every guest file takes its skip from guestPrerequisite, and skips nothing by hand', () => {
  assert.ok(guestFiles.length >= 5, guestFiles.join(','));
  for (const file of guestFiles) {
    const text = readFileSync(join(guestDir, file), 'utf8');
    assert.match(text, /const skip = guestPrerequisite\(/, file);
    assert.doesNotMatch(text, /\bt\.skip\(|\{ skip: (true|')|\.skip\(/, file);
  }
});

test('a guest file outside the VM skips with its reason when not in CI', () => {
  const result = runGuestFileOnHost('smoke.guest.ts', false);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /# SKIP runs only inside the VM \(test\/vm\/smoke\.test\.ts\)/);
});

test('the same guest file fails in CI (CI=true)', () => {
  const result = runGuestFileOnHost('smoke.guest.ts', true);
  assert.notEqual(result.status, 0);
  assert.match(
    result.stdout + result.stderr,
    /CI requires this test tier, but: runs only inside the VM/,
  );
});

test('a test the guest skipped is a failure when the host replays it in CI', () => {
  assert.deepEqual(replayOptions({ skip: 'ipvsadm is not installed' }, false), {
    options: { skip: 'ipvsadm is not installed' },
  });
  assert.deepEqual(replayOptions({ skip: 'ipvsadm is not installed' }, true), {
    options: {},
    failure: 'CI requires every guest test, but the guest skipped it: ipvsadm is not installed',
  });
  assert.deepEqual(replayOptions({ skip: false, todo: 'later' }, true), {
    options: { todo: 'later' },
  });
});
