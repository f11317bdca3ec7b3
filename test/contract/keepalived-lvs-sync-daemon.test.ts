/**
 * contract/keepalived/lvs-sync-daemon.ts: `lvs_sync_daemon` in global_defs becomes the named
 * instance's ipvsSync (read as keepalived's global_parser.c reads it), and the renderer writes it
 * back, so a document with sync survives export and import.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseKeepalivedConf,
  renderKeepalivedConfWithWarnings,
  toDesiredState,
} from '../../contract/index.js';

const director = { name: 'lb1', address: '198.51.100.1' };
const INSTANCE =
  'vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 100\n' +
  ' virtual_ipaddress {\n  192.0.2.10\n }\n}\n';

function map(line: string) {
  const text = `global_defs {\n ${line}\n}\n${INSTANCE}`;
  return toDesiredState(parseKeepalivedConf(text, 'k.conf').config, { site: 'lab', director });
}

test('interface and instance: sync follows VI_1, the sync id left to its default (the VRID)', () => {
  const { document, warnings } = map('lvs_sync_daemon eth1 VI_1');
  assert.deepEqual(warnings, []);
  assert.deepEqual(document?.vrrpInstances[0]?.ipvsSync, { interface: 'eth1' });
});

test('every option', () => {
  const { document, warnings } = map(
    'lvs_sync_daemon eth1 VI_1 id 7 maxlen 1400 port 8850 ttl 3 group 239.0.0.9',
  );
  assert.deepEqual(warnings, []);
  assert.deepEqual(document?.vrrpInstances[0]?.ipvsSync, {
    interface: 'eth1',
    syncId: 7,
    maxLengthBytes: 1400,
    port: 8850,
    ttl: 3,
    group: '239.0.0.9',
  });
});

test('the old bare sync id, bad values and unknown options: warnings, as keepalived reports them', () => {
  const { document, warnings } = map('lvs_sync_daemon eth1 VI_1 5 ttl 0 group 192.0.2.1 bogus');
  assert.deepEqual(document?.vrrpInstances[0]?.ipvsSync, { interface: 'eth1', syncId: 5 });
  assert.deepEqual(
    warnings.map((w) => [w.line, w.message.replace(/^lvs_sync_daemon: /, '').split(';')[0]]),
    [
      [2, 'a bare sync id is the old syntax'],
      [2, 'ttl 0 is invalid'],
      [2, 'group 192.0.2.1 is not multicast'],
      [2, 'unknown option bogus'],
    ],
  );
});

test("a max length below the kernel's floor is raised to it, with a warning", () => {
  const { document, warnings } = map('lvs_sync_daemon eth1 VI_1 maxlen 500');
  assert.equal(document?.vrrpInstances[0]?.ipvsSync?.maxLengthBytes, 996);
  assert.match(warnings[0]!.message, /maxlen 500 becomes 996/);
});

test('an unknown instance: no sync, a warning (keepalived clears the setting)', () => {
  const { document, warnings } = map('lvs_sync_daemon eth1 VI_9');
  assert.equal(document?.vrrpInstances[0]?.ipvsSync, undefined);
  assert.match(warnings[0]!.message, /no VRRP instance VI_9; connection sync is off/);
});

test('render and read back: the same settings', () => {
  const { document } = map('lvs_sync_daemon eth1 VI_1 id 7 ttl 2 group ff02::1:5');
  const rendered = renderKeepalivedConfWithWarnings(document!);
  assert.match(rendered.text, /\n {4}lvs_sync_daemon eth1 vi_1 id 7 ttl 2 group ff02::1:5\n/);
  const back = toDesiredState(parseKeepalivedConf(rendered.text, 'k.conf').config, {
    site: 'lab',
    director,
  });
  assert.deepEqual(back.document?.vrrpInstances[0]?.ipvsSync, {
    interface: 'eth1',
    syncId: 7,
    ttl: 2,
    group: 'ff02::1:5',
  });
});
