/** @module IPVS connection sync with real traffic in one VM (real IPVS, fleetlb and keepalived directors): each guest test of test/vm/guest/ipvs-sync.guest.ts a subtest here. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { runGuestTests } from '../support/vm/guest-runner.js';
import { vmPrerequisite } from '../support/vm/qemu.js';
import { warmTsxCache } from '../support/vm/tsx-cache.js';

// keepalived is the peer in two of the tests: missing, the file fails in CI (vmPrerequisite).
const skip = vmPrerequisite(['ip', 'ipvsadm', 'keepalived', 'node']);

test('IPVS connection sync in one VM', { skip, timeout: 1_260_000 }, async (t) => {
  // The agents run as they ship: built (agent/bin runs dist/agent/ while it is current).
  const build = spawnSync(process.execPath, ['scripts/build-agent.mjs'], { encoding: 'utf8' });
  assert.equal(build.status, 0, `npm run build failed:\n${build.stdout}${build.stderr}`);
  const tsxCache = warmTsxCache([['test/vm/guest/ipvs-sync.guest.ts']]);
  await runGuestTests(t, ['test/vm/guest/ipvs-sync.guest.ts'], {
    timeoutMs: 1_200_000,
    memoryMiB: 2048,
    cpus: 1,
    tsxCache,
  });
});
