/** @module `--keepalived-conf`: a keepalived.conf with includes becomes a checked document; warnings and errors carry positions. */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileSource } from '../../agent/runtime/file-source.js';
import { readKeepalivedConf } from '../../agent/runtime/keepalived-source.js';
import { unsafePath } from '../../agent/runtime/keepalived-host-check.js';

const MAIN = `! fleetlb test
global_defs {
  router_id LB_One
  some_new_keyword yes
}
include conf.d/*.conf
`;
const VRRP = `vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 1
  virtual_ipaddress {
    192.0.2.100/24 dev eth0
  }
}
`;
const LVS = `virtual_server 192.0.2.100 80 {
  delay_loop 2
  lb_algo wrr
  lb_kind DR
  protocol TCP
  real_server 192.0.2.21 80 {
    weight 3
    TCP_CHECK {
      connect_timeout 1
    }
  }
}
`;

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlb-kconf-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

test('includes by wildcard, router_id as the director, warnings with file:line', () => {
  const dir = tree({
    'keepalived.conf': MAIN,
    'conf.d/10-vrrp.conf': VRRP,
    'conf.d/20-lvs.conf': LVS,
    'conf.d/.hidden.conf': 'garbage {',
  });
  const read = readKeepalivedConf(join(dir, 'keepalived.conf'), { site: 'dc1' });
  assert.ok(read.check.ok, JSON.stringify(read.check));
  const doc = read.check.document;
  assert.equal(doc.site, 'dc1');
  assert.equal(doc.director.name, 'lb_one');
  assert.deepEqual(
    doc.vrrpInstances.map((v) => [v.name, v.vrid, v.priority]),
    [['vi_1', 51, 150]],
  );
  assert.equal(doc.virtualServers.length, 1);
  assert.equal(doc.virtualServers[0]!.realServers[0]!.weight, 3);
  assert.ok(
    read.warnings.some(
      (w) => w.startsWith(`${join(dir, 'keepalived.conf')}:4:`) && w.includes('some_new_keyword'),
    ),
    read.warnings.join('\n'),
  );
});

test('errors name file:line:column; nothing is used', () => {
  const dir = tree({ 'keepalived.conf': 'vrrp_instance VI_1 {\n  virtual_router_id 999\n' });
  const read = readKeepalivedConf(join(dir, 'keepalived.conf'));
  assert.equal(read.check.ok, false);
  assert.ok(!read.check.ok);
  assert.ok(
    read.check.problems.every((p) => /keepalived\.conf:\d+:\d+: error: /.test(p)),
    read.check.problems.join('\n'),
  );
});

test('an unreadable file is a refusal, not a crash', () => {
  const read = readKeepalivedConf('/nonexistent/keepalived.conf');
  assert.equal(read.check.ok, false);
});

test('each successful read of a keepalived.conf gets the next revision', async () => {
  const dir = tree({ 'keepalived.conf': VRRP });
  const source = new FileSource({
    kind: 'keepalived',
    path: join(dir, 'keepalived.conf'),
    site: 'dc1',
  });
  const first = await source.read();
  const second = await source.read();
  assert.ok(first.check.ok && second.check.ok);
  assert.equal(first.check.document.revision, 1);
  assert.equal(second.check.document.revision, 2);
});

test('--check-config reports what keepalived -t reports about the host: interfaces, scripts', () => {
  const dir = tree({
    'keepalived.conf': `vrrp_script chk {\n  script "/nonexistent/check.sh"\n}\nvrrp_script pid {\n  script "pidof nginx"\n}\n${VRRP.replace('interface eth0', 'interface nosuch0')}`,
  });
  const read = readKeepalivedConf(join(dir, 'keepalived.conf'), {
    host: {
      interfaceExists: (name) => name === 'eth0',
      executable: (program) => program === 'pidof',
    },
  });
  assert.ok(read.check.ok, 'host problems are warnings');
  const file = join(dir, 'keepalived.conf');
  assert.ok(
    read.warnings.some((w) => w.startsWith(`${file}:7:`) && w.includes('interface nosuch0')),
    read.warnings.join('\n'),
  );
  assert.ok(
    read.warnings.some((w) => w.startsWith(`${file}:1:`) && w.includes('/nonexistent/check.sh')),
    read.warnings.join('\n'),
  );
  assert.ok(!read.warnings.some((w) => w.includes('pidof is not')), read.warnings.join('\n'));
});

test('with enable_script_security, --check-config warns about scripts a non-root user can change', () => {
  const dir = tree({
    'keepalived.conf': `global_defs {\n  enable_script_security\n}\nvrrp_script chk {\n  script "/opt/chk.sh"\n}\nvrrp_script ok {\n  script "/bin/true"\n}\n${VRRP}`,
  });
  const read = readKeepalivedConf(join(dir, 'keepalived.conf'), {
    host: {
      interfaceExists: () => true,
      executable: () => true,
      unsafeComponent: (program) => (program === '/opt/chk.sh' ? '/opt' : undefined),
    },
  });
  const file = join(dir, 'keepalived.conf');
  assert.ok(
    read.warnings.some((w) => w.startsWith(`${file}:4:`) && w.includes('/opt can be changed')),
    read.warnings.join('\n'),
  );
  assert.ok(!read.warnings.some((w) => w.includes('/bin/true')), read.warnings.join('\n'));
});

test('unsafePath follows lib/notify.c check_security(): a world-writable directory, a sticky one', () => {
  const dir = tree({ 'bin/check.sh': '#!/bin/sh\n' });
  const script = join(dir, 'bin', 'check.sh');
  // The test's own temporary directory is not root's unless the suite runs as root.
  const own = unsafePath(script);
  if (process.getuid?.() !== 0) assert.ok(own !== undefined);
  else {
    assert.equal(unsafePath('/bin/sh'), undefined, 'root-owned, not group/world writable');
    chmodSync(join(dir, 'bin'), 0o777);
    assert.equal(unsafePath(script), join(dir, 'bin'));
    chmodSync(join(dir, 'bin'), 0o1777);
    assert.equal(unsafePath(script), undefined, 'a sticky directory is safe, as /tmp is');
    chmodSync(script, 0o666);
    assert.equal(unsafePath(script), script);
  }
});

test('a refusal from the mapped document names the keepalived.conf line, not a JSON path', () => {
  const one = (name: string, vip: string) =>
    `vrrp_instance ${name} {\n  interface eth0\n  virtual_router_id 9\n  virtual_ipaddress {\n    ${vip}\n  }\n}\n`;
  const text = one('A', '192.0.2.1') + one('B', '192.0.2.2');
  const dir = tree({ 'keepalived.conf': text });
  const read = readKeepalivedConf(join(dir, 'keepalived.conf'));
  assert.ok(!read.check.ok);
  assert.deepEqual(
    read.check.reasons.map((r) => r.path),
    [`${join(dir, 'keepalived.conf')}:8:1`],
    JSON.stringify(read.check.reasons),
  );
});

test('--check-config warns at its line about a script user or group this host does not know', () => {
  const dir = tree({
    'keepalived.conf': `global_defs {\n  script_user ghost\n}\nvrrp_script chk {\n  script "/bin/true"\n  user nobody nosuchgroup\n}\n${VRRP}`,
  });
  const read = readKeepalivedConf(join(dir, 'keepalived.conf'), {
    host: {
      interfaceExists: () => true,
      executable: () => true,
      known: (database, name) => (database === 'passwd' ? name === 'nobody' : false),
    },
  });
  const file = join(dir, 'keepalived.conf');
  for (const [line, what] of [
    [2, 'user ghost'],
    [6, 'group nosuchgroup'],
  ] as const)
    assert.ok(
      read.warnings.some((w) => w.startsWith(`${file}:${line}:`) && w.includes(`script ${what}`)),
      read.warnings.join('\n'),
    );
});
