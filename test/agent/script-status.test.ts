/**
 * A script the agent refuses to run (keepalived disables it at load: no such user, not
 * executable, unsafe under enable_script_security) is visible beyond the log: in the status
 * report's `errors` (stage `script`, so `fleetlb status` flags N-ERRORS) and in
 * `fleetlb_agent_scripts_disabled`, until a later verdict lets it run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UserDirectory } from '../../agent/scripts/identity.js';
import { PreparedScripts } from '../../agent/scripts/script-launcher.js';
import type { FileFacts } from '../../agent/scripts/script-safety.js';
import { createAgentMetrics } from '../../agent/metrics/index.js';
import { statusErrors } from '../../agent/runtime/status-errors.js';
import { AgentStatus } from '../../contract/agent-status.js';
import { ScriptRunAs } from '../../contract/script-run-as.js';

const known = new Map([['root', { uid: 0, gid: 0 }]]);
const users: UserDirectory = {
  user: (name) => Promise.resolve(known.get(name)),
  group: () => Promise.resolve(undefined),
};
const dir: FileFacts = { kind: 'directory', mode: 0o755, uid: 0, gid: 0 };
const entries: Record<string, FileFacts> = {
  '/': dir,
  '/etc': dir,
  '/etc/chk.sh': { kind: 'file', mode: 0o755, uid: 0, gid: 0 },
  '/etc/notify.sh': { kind: 'file', mode: 0o644, uid: 0, gid: 0 },
};
const scripts = new PreparedScripts({
  users,
  files: {
    lstat: (p) => Promise.resolve(entries[p]),
    stat: (p) => Promise.resolve(entries[p]),
    realpath: (p) => Promise.resolve(entries[p] === undefined ? undefined : p),
  },
  own: { uid: 0, gid: 0 },
  searchPath: '/usr/bin:/bin',
});
const asUser = (user: string) => ScriptRunAs.parse({ user });

test('disabled scripts are listed until a later verdict lets them run', async () => {
  const check = { name: 'chk' };
  const notify = { name: 'notify' };
  assert.equal(
    (await scripts.prepare(check, '/etc/chk.sh', asUser('keepalived_script'))).run,
    false,
  );
  assert.equal((await scripts.prepare(notify, '/etc/notify.sh', asUser('root'))).run, false);
  assert.equal((await scripts.prepare({}, '/etc/chk.sh', asUser('root'))).run, true);
  assert.deepEqual(
    scripts.disabled().map((d) => d.script),
    ['/etc/chk.sh', '/etc/notify.sh'],
  );
  assert.match(scripts.disabled()[1]!.reason, /executable/);

  const errors = statusErrors('crash guard not built', scripts.disabled());
  assert.deepEqual(
    errors.map((e) => e.stage),
    ['crash-guard', 'script', 'script'],
  );
  assert.match(errors[1]!.message, /^\/etc\/chk\.sh: not run: .*keepalived_script/);
  // The report's shape (contract/agent-status.ts), as the control plane checks it.
  const report = AgentStatus.parse({
    appliedRevision: 1,
    agent: { version: '0.1.0', startedAt: new Date().toISOString(), ipvsAvailable: true },
    errors,
  });
  assert.equal(report.errors.length, 3);

  const metrics = createAgentMetrics({ version: '0.1.0' });
  metrics.config.countScriptsDisabled(() => scripts.disabled().length);
  assert.match(await metrics.registry.metrics(), /^fleetlb_agent_scripts_disabled 2$/m);

  // The user exists now and the configuration names the check again: it runs, and is cleared.
  known.set('keepalived_script', { uid: 0, gid: 0 });
  assert.equal((await scripts.prepare({}, '/etc/chk.sh', asUser('keepalived_script'))).run, true);
  assert.deepEqual(
    scripts.disabled().map((d) => d.script),
    ['/etc/notify.sh'],
  );
  assert.match(await metrics.registry.metrics(), /^fleetlb_agent_scripts_disabled 1$/m);
});

test('the report stays within the contract’s bounds', () => {
  const many = Array.from({ length: 150 }, (_, i) => ({
    script: `/etc/s${i}.sh`,
    reason: 'x'.repeat(2000),
  }));
  const errors = statusErrors(undefined, many);
  assert.equal(errors.length, 100);
  assert.ok(errors.every((e) => e.message.length <= 1024));
});
