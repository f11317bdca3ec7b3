/**
 * Scripts run as keepalived runs them (keepalived core/notify.c): the user and group they are
 * given, resolved on the director; keepalived's default user; and check_script_secure()'s verdict
 * on a script that runs with root's power under enable_script_security. The rules run against a
 * fake file system and user directory; two tests really spawn, as `nobody`, and an unsafe script.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveRunAs, type UserDirectory } from '../../agent/scripts/identity.js';
import {
  hostScriptPorts,
  PreparedScripts,
  prepareScript,
  type ScriptPorts,
} from '../../agent/scripts/script-launcher.js';
import type { FileFacts, ScriptFiles } from '../../agent/scripts/script-safety.js';
import { runNotifyHooks } from '../../agent/vrrp/notify.js';
import { ScriptRunAs } from '../../contract/script-run-as.js';
import { prerequisite } from '../support/tier.js';

const users: UserDirectory = {
  user: (name) =>
    Promise.resolve(
      (
        {
          root: { uid: 0, gid: 0 },
          nobody: { uid: 65534, gid: 65534 },
          ops: { uid: 1000, gid: 1000 },
        } as Record<string, { uid: number; gid: number }>
      )[name],
    ),
  group: (name) => Promise.resolve(({ root: 0, adm: 4 } as Record<string, number>)[name]),
};

const dir = (uid = 0, mode = 0o755): FileFacts => ({ kind: 'directory', mode, uid, gid: 0 });
const file = (uid = 0, mode = 0o755, gid = 0): FileFacts => ({ kind: 'file', mode, uid, gid });

function fakeFiles(
  entries: Record<string, FileFacts>,
  links: Record<string, string> = {},
): ScriptFiles {
  return {
    lstat: (p) => Promise.resolve(entries[p]),
    stat: (p) => Promise.resolve(entries[links[p] ?? p]),
    realpath: (p) => Promise.resolve(entries[p] === undefined ? undefined : (links[p] ?? p)),
  };
}

const ports = (files: ScriptFiles, own = { uid: 0, gid: 0 }): ScriptPorts => ({
  users,
  files,
  own,
  searchPath: '/usr/bin:/bin',
});
const runAs = (value: Record<string, unknown>) => ScriptRunAs.parse(value);
const SAFE = { '/': dir(), '/etc': dir(), '/etc/chk.sh': file() };

describe('who a script runs as (set_uid_gid(), get_default_script_user())', () => {
  test('the named user with its primary group, or the named group', async () => {
    const own = { uid: 0, gid: 0 };
    assert.deepEqual(await resolveRunAs(runAs({ user: 'nobody' }), users, own), {
      ok: true,
      id: { uid: 65534, gid: 65534 },
    });
    assert.deepEqual(await resolveRunAs(runAs({ user: 'ops', group: 'adm' }), users, own), {
      ok: true,
      id: { uid: 1000, gid: 4 },
    });
  });
  test('an unknown user or group disables the script', async () => {
    const own = { uid: 0, gid: 0 };
    assert.equal((await resolveRunAs(runAs({ user: 'ghost' }), users, own)).ok, false);
    assert.equal((await resolveRunAs(runAs({ user: 'ops', group: ':adm' }), users, own)).ok, false);
  });
  test('no user: keepalived_script if it exists, else the agent; with script security a missing keepalived_script disables', async () => {
    const own = { uid: 0, gid: 0 };
    assert.deepEqual(await resolveRunAs(runAs({}), users, own), { ok: true, id: own });
    assert.equal((await resolveRunAs(runAs({ requireSafePath: true }), users, own)).ok, false);
    const withDefault: UserDirectory = {
      ...users,
      user: (n) =>
        n === 'keepalived_script' ? Promise.resolve({ uid: 999, gid: 998 }) : users.user(n),
    };
    assert.deepEqual(await resolveRunAs(runAs({ requireSafePath: true }), withDefault, own), {
      ok: true,
      id: { uid: 999, gid: 998 },
    });
  });
});

describe('whether it runs (check_script_secure(), check_security())', () => {
  const prepare = (
    files: ScriptFiles,
    who: Record<string, unknown> | undefined,
    program = '/etc/chk.sh',
  ) => prepareScript(program, who === undefined ? undefined : runAs(who), ports(files));

  test('without runAs: the agent runs it, unchecked', async () => {
    assert.deepEqual(await prepare(fakeFiles({}), undefined), {
      run: true,
      program: '/etc/chk.sh',
    });
  });
  test('a safe script runs as root; as nobody it gets uid and gid', async () => {
    assert.deepEqual(await prepare(fakeFiles(SAFE), { user: 'root', requireSafePath: true }), {
      run: true,
      program: '/etc/chk.sh',
    });
    assert.deepEqual(await prepare(fakeFiles(SAFE), { user: 'nobody', requireSafePath: true }), {
      run: true,
      program: '/etc/chk.sh',
      uid: 65534,
      gid: 65534,
    });
  });
  test('a script a non-root user can change, run as root: disabled with script security, a warning without', async () => {
    for (const unsafe of [
      { ...SAFE, '/etc/chk.sh': file(0, 0o757) }, // world-writable file
      { ...SAFE, '/etc/chk.sh': file(0, 0o775, 4) }, // group-writable, non-root group
      { ...SAFE, '/etc/chk.sh': file(1000) }, // owned by a user
      { ...SAFE, '/etc': dir(0, 0o777) }, // a writable directory without the sticky bit
    ]) {
      const strict = await prepare(fakeFiles(unsafe), { user: 'root', requireSafePath: true });
      assert.equal(strict.run, false);
      const lax = await prepare(fakeFiles(unsafe), { user: 'root' });
      assert.equal(lax.run, true);
      assert.match(lax.run ? (lax.warning ?? '') : '', /non-root user/);
    }
  });
  test('the sticky bit makes a writable directory safe; a script run as nobody needs no check', async () => {
    const sticky = { ...SAFE, '/etc': dir(0, 0o1777) };
    assert.equal(
      (await prepare(fakeFiles(sticky), { user: 'root', requireSafePath: true })).run,
      true,
    );
    const unsafe = { ...SAFE, '/etc/chk.sh': file(1000, 0o757) };
    assert.equal(
      (await prepare(fakeFiles(unsafe), { user: 'nobody', requireSafePath: true })).run,
      true,
    );
  });
  test('a set-uid root script is checked whoever runs it; the link target is checked too', async () => {
    const setuid = { ...SAFE, '/etc/chk.sh': file(0, 0o4757) };
    assert.equal(
      (await prepare(fakeFiles(setuid), { user: 'nobody', requireSafePath: true })).run,
      false,
    );
    const linked = fakeFiles(
      {
        ...SAFE,
        '/opt': dir(1000),
        '/opt/real.sh': file(),
        '/etc/chk.sh': { kind: 'symlink', mode: 0o777, uid: 0, gid: 0 },
      },
      { '/etc/chk.sh': '/opt/real.sh' },
    );
    assert.equal((await prepare(linked, { user: 'root', requireSafePath: true })).run, false);
  });
  test('missing, not executable for its user, or not found in PATH: disabled', async () => {
    assert.equal((await prepare(fakeFiles({}), { user: 'root' })).run, false);
    const private_ = { ...SAFE, '/etc/chk.sh': file(0, 0o700) };
    assert.equal((await prepare(fakeFiles(private_), { user: 'nobody' })).run, false);
    const inPath = { ...SAFE, '/usr': dir(), '/usr/bin': dir(), '/usr/bin/chk': file() };
    assert.deepEqual(await prepare(fakeFiles(inPath), { user: 'root' }, 'chk'), {
      run: true,
      program: '/usr/bin/chk',
    });
    assert.equal((await prepare(fakeFiles(inPath), { user: 'root' }, 'other')).run, false);
  });
});

const asRoot = process.getuid?.() === 0;
const hasNobody = spawnSync('getent', ['passwd', 'nobody']).status === 0;
const realSpawn = prerequisite(asRoot && hasNobody, 'needs root and the user nobody');

describe('real scripts', { skip: realSpawn }, () => {
  function scriptDir() {
    const d = mkdtempSync(join(tmpdir(), 'fleetlb-run-as-'));
    chmodSync(d, 0o755);
    const script = join(d, 'whoami.sh');
    writeFileSync(script, '#!/bin/sh\nid -u > "$1"\nid -g >> "$1"\n', { mode: 0o755 });
    const out = join(d, 'out');
    writeFileSync(out, '', { mode: 0o666 });
    chownSync(out, 65534, 65534);
    return { d, script, out };
  }
  const hooks = (script: string, out: string, who: Record<string, unknown>) => ({
    master: script,
    args: { master: [out] },
    runAs: { master: runAs(who) },
  });

  test('a notify hook with runAs nobody runs as nobody', async () => {
    const { d, script, out } = scriptDir();
    try {
      const results = await runNotifyHooks(
        hooks(script, out, { user: 'nobody', requireSafePath: true }),
        'vi',
        'master',
        100,
        30_000,
        new PreparedScripts(hostScriptPorts()),
      );
      assert.equal(results[0]?.error, undefined);
      assert.deepEqual(readFileSync(out, 'utf8').trim().split('\n'), ['65534', '65534']);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  test('under enable_script_security a world-writable script run as root is not run', async () => {
    const { d, script, out } = scriptDir();
    try {
      chmodSync(script, 0o777);
      const told: string[] = [];
      const scripts = new PreparedScripts(hostScriptPorts(), (_p, verdict) => {
        if (!verdict.run) told.push(verdict.reason);
      });
      const results = await runNotifyHooks(
        hooks(script, out, { user: 'root', requireSafePath: true }),
        'vi',
        'master',
        100,
        30_000,
        scripts,
      );
      assert.match(results[0]?.error?.message ?? '', /not run: .*non-root user/);
      assert.equal(readFileSync(out, 'utf8'), '');
      assert.equal(told.length, 1);
      // Without it, keepalived runs it with a warning: so does fleetlb.
      const lax = await runNotifyHooks(
        hooks(script, out, { user: 'root' }),
        'vi',
        'master',
        100,
        30_000,
        new PreparedScripts(hostScriptPorts()),
      );
      assert.equal(lax[0]?.error, undefined);
      assert.deepEqual(readFileSync(out, 'utf8').trim().split('\n'), ['0', '0']);
      assert.ok(existsSync(out));
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
