/**
 * agent/health/up-down-hooks: keepalived's notify_up/notify_down and quorum_up/quorum_down run
 * with their own arguments only (check/ipwrapper.c notify_exec()), found by the real server's
 * name in the document in force; a failing script resolves with its error instead of throwing.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DesiredState } from '../../contract/desired-state.js';
import { realServerHooks, runHook, upDownCommand } from '../../agent/health/up-down-hooks.js';

const dir = mkdtempSync(join(tmpdir(), 'fleetlb-up-down-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('up/down hooks', () => {
  const hooks = { up: '/bin/up', down: '/bin/down', args: { down: ['rs1', 'DOWN'] } };
  test('the script of the new state with its own arguments; none when unset', () => {
    assert.deepEqual(upDownCommand(hooks, true), { script: '/bin/up', args: [], owner: hooks });
    assert.deepEqual(upDownCommand(hooks, false), {
      script: '/bin/down',
      args: ['rs1', 'DOWN'],
      owner: hooks,
    });
    const withUser = { ...hooks, runAs: { down: { user: 'nobody', requireSafePath: false } } };
    assert.deepEqual(upDownCommand(withUser, false)?.runAs, withUser.runAs.down);
    assert.equal(upDownCommand({ up: '/bin/up' }, false), undefined);
    assert.equal(upDownCommand(undefined, true), undefined);
  });

  test("a real server's hooks are found by name in the document in force", () => {
    const document = DesiredState.parse(
      JSON.parse(
        readFileSync(
          new URL('../../contract/fixtures/director-ipv4-nat.json', import.meta.url),
          'utf8',
        ),
      ),
    );
    const vs = document.virtualServers[0]!;
    const rs = vs.realServers[0]!;
    rs.notify = hooks;
    assert.deepEqual(realServerHooks(document, vs.name, rs.name), hooks);
    assert.equal(realServerHooks(document, vs.name, 'no-such-server'), undefined);
    assert.equal(realServerHooks(undefined, vs.name, rs.name), undefined);
  });

  test('runs the script with exactly its arguments; a failure resolves with the error', async () => {
    const out = join(dir, 'args');
    const script = join(dir, 'notify.sh');
    writeFileSync(script, `#!/bin/sh\nprintf '%s|' "$@" > ${out}\nexit "$EXIT"\n`);
    chmodSync(script, 0o755);
    process.env.EXIT = '0';
    assert.equal(await runHook({ script, args: ['rs 1', 'DOWN'], owner: {} }), undefined);
    assert.equal(readFileSync(out, 'utf8'), 'rs 1|DOWN|');
    process.env.EXIT = '3';
    const error = await runHook({ script, args: [], owner: {} });
    assert.ok(error instanceof Error);
    delete process.env.EXIT;
    assert.ok(
      (await runHook({ script: join(dir, 'missing'), args: [], owner: {} })) instanceof Error,
    );
  });

  test('runs as its runAs user (keepalived notify_up "…" USER), as root only when asked', async (t) => {
    if (process.getuid?.() !== 0) return t.skip('needs root to change user');
    const shared = mkdtempSync(join(tmpdir(), 'fleetlb-up-down-nobody-'));
    chmodSync(shared, 0o777);
    try {
      const script = join(shared, 'whoami.sh');
      writeFileSync(script, `#!/bin/sh\nid -u > ${shared}/uid\n`);
      chmodSync(script, 0o755);
      const runAs = { user: 'nobody', requireSafePath: false };
      assert.equal(await runHook({ script, args: [], runAs, owner: {} }), undefined);
      assert.equal(readFileSync(join(shared, 'uid'), 'utf8').trim(), '65534');
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });
});
