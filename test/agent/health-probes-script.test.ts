/**
 * agent/health script probe (keepalived MISC_CHECK) with `sh -c`: exit codes, misc_dynamic
 * weights, the target in the environment, a missing program, and a timeout that kills the script
 * together with its children (its process group).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HealthCheckInput } from '../../contract/health-check.js';
import { assertFails, probe } from '../support/health-probe.js';

const closers: (() => void)[] = [];
after(() => closers.forEach((c) => c()));

const dir = mkdtempSync(join(tmpdir(), 'fleetlb-health-script-'));
closers.push(() => rmSync(dir, { recursive: true, force: true }));

describe('script probe', () => {
  const sh = (script: string, dynamicWeight = false): HealthCheckInput => ({
    type: 'script',
    path: '/bin/sh',
    args: ['-c', script],
    dynamicWeight,
  });
  test('exit 0 → up, exit 1 → exit, exit 5 → exit without misc_dynamic', async () => {
    assert.deepEqual(await probe(sh('exit 0'), 80), { ok: true });
    assertFails(await probe(sh('exit 1'), 80), 'exit');
    assertFails(await probe(sh('exit 5'), 80), 'exit');
  });
  test('misc_dynamic: exit 5 → up with weight 3', async () => {
    assert.deepEqual(await probe(sh('exit 5', true), 80), { ok: true, weight: 3 });
  });
  test('the target is passed in the environment', async () => {
    assert.equal(
      (await probe(sh('test "$FLEETLB_RS_ADDRESS:$FLEETLB_RS_PORT" = 127.0.0.1:8080'), 8080)).ok,
      true,
    );
  });
  test('a script without #! runs through /bin/sh, as keepalived runs it', async () => {
    // execvp(3) retries a file the kernel refuses with ENOEXEC through /bin/sh; keepalived
    // (lib/notify.c) sees no #! and runs it with the shell too.
    const script = join(dir, 'no-shebang');
    writeFileSync(script, 'test "$1" = up || exit 3\nexit 0\n');
    chmodSync(script, 0o755);
    assert.deepEqual(await probe({ type: 'script', path: script, args: ['up'] }, 80), { ok: true });
    assertFails(await probe({ type: 'script', path: script, args: ['down'] }, 80), 'exit');
  });
  test('a missing program → exit', async () => {
    assertFails(await probe({ type: 'script', path: '/nonexistent/fleetlb-check' }, 80), 'exit');
  });
  test('timeout kills the script and its children', async () => {
    const pidFile = join(dir, 'child.pid');
    const r = await probe(sh(`sleep 30 & echo $! > ${pidFile}; wait`), 80, 1000);
    assertFails(r, 'timeout');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(await gone(pid), `grandchild ${pid} still alive`);
  });
});

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await sleep(20);
  }
  return false;
}
