/**
 * agent/vrrp/notify.ts runs notify hooks as keepalived does (keepalived/vrrp/vrrp_notify.c): the
 * state's own script with its own arguments, then `notify` with its arguments followed by
 * INSTANCE NAME STATE PRIORITY; a hook named without a slash is found through PATH. The scripts
 * really run and record the argv they received.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKeepalivedConf, toDesiredState } from '../../contract/index.js';
import { notifyCommands, runNotifyHooks } from '../../agent/vrrp/notify.js';

describe("notify hooks receive keepalived's arguments", () => {
  test('notify_master "/etc/keepalived/notify.sh master" keeps its argument; notify gets TYPE NAME STATE PRIORITY', () => {
    const text =
      'vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 5\n priority 150\n' +
      ' virtual_ipaddress {\n  192.0.2.5\n }\n' +
      ' notify_master "/etc/keepalived/notify.sh master"\n notify "/etc/keepalived/all.sh --log"\n}';
    const { config } = parseKeepalivedConf(text, 'k.conf');
    const doc = toDesiredState(config, {
      site: 's',
      director: { name: 'lb1', address: '198.51.100.1' },
    }).document;
    const hooks = doc?.vrrpInstances[0]?.notify ?? {};
    // No script_user: keepalived's default user (keepalived_script if it exists, else root).
    const runAs = { requireSafePath: false };
    assert.deepEqual(notifyCommands(hooks, 'vi_1', 'master', 150), [
      { script: '/etc/keepalived/notify.sh', args: ['master'], runAs },
      {
        script: '/etc/keepalived/all.sh',
        args: ['--log', 'INSTANCE', 'vi_1', 'MASTER', '150'],
        runAs,
      },
    ]);
  });

  test('the scripts run with those arguments', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetlb-notify-'));
    try {
      const log = join(dir, 'argv.log');
      const script = join(dir, 'hook.sh');
      writeFileSync(script, `#!/bin/sh\nprintf '%s|' "$0" "$@" >> ${log}\necho >> ${log}\n`);
      chmodSync(script, 0o755);
      const results = await runNotifyHooks(
        { master: script, any: script, args: { master: ['master', 'two words'], any: ['x'] } },
        'web',
        'master',
        101,
      );
      assert.deepEqual(
        results.map((r) => r.error),
        [undefined, undefined],
      );
      assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), [
        `${script}|master|two words|`,
        `${script}|x|INSTANCE|web|MASTER|101|`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a hook named without a slash is found through PATH', async () => {
    const [result] = await runNotifyHooks({ backup: 'true' }, 'web', 'backup', 100);
    assert.equal(result?.error, undefined);
  });
});
