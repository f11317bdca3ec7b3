/** @module The end-to-end suite in one VM (real IPVS): control plane with PostgreSQL, two agents, real servers, traffic; each guest test of test/vm/guest/end-to-end.guest.ts a subtest here. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { prerequisite } from '../support/tier.js';
import { runGuestTests } from '../support/vm/guest-runner.js';
import { ensurePostgresTemplate, postgresBinDir } from '../support/vm/postgres-template.js';
import { vmPrerequisite } from '../support/vm/qemu.js';
import { warmTsxCache } from '../support/vm/tsx-cache.js';

const binDir = postgresBinDir();
const skip =
  vmPrerequisite(['ip', 'ipvsadm', 'setpriv', 'node']) ||
  prerequisite(binDir !== undefined, 'the PostgreSQL server (postgresql) is not installed');

test('fleetlb end to end in one VM', { skip, timeout: 1_560_000 }, async (t) => {
  const template = ensurePostgresTemplate();
  // The agents run as they ship: built (npm run build → dist/agent/, which agent/bin runs while
  // it is current). From the sources, each agent start took one to two minutes under emulation.
  const build = spawnSync(process.execPath, ['scripts/build-agent.mjs'], { encoding: 'utf8' });
  assert.equal(build.status, 0, `npm run build failed:\n${build.stdout}${build.stderr}`);
  // The control plane and the guest test run through tsx: from a cache the host fills in seconds.
  const tsxCache = warmTsxCache([
    ['test/vm/guest/end-to-end.guest.ts'],
    ['control-plane/main.ts', '--help'],
  ]);
  await runGuestTests(t, ['test/vm/guest/end-to-end.guest.ts'], {
    timeoutMs: 1_500_000,
    memoryMiB: 2048,
    // One vCPU: with two (multi-threaded TCG), node processes died now and then with SIGSEGV or
    // SIGILL (V8 rewrites its JIT code while other threads run it); one vCPU never did.
    cpus: 1,
    tsxCache,
    env: { FLEETLB_PG_TEMPLATE: template, FLEETLB_PG_BIN: binDir! },
  });
});
