/** contract/keepalived/to-desired-state: keepalived.conf → one director's validated desired state. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import {
  parseKeepalivedConf,
  toDesiredState,
  type ToDesiredStateResult,
} from '../../contract/index.js';
import { prerequisite } from '../support/tier.js';

const SAMPLES = '/usr/share/doc/keepalived/samples';
const skip = prerequisite(
  existsSync(SAMPLES),
  `${SAMPLES} is missing (apt-get install keepalived provides the samples)`,
);
const director = { name: 'lb1', address: '198.51.100.1' };

function mapText(text: string): ToDesiredStateResult {
  return toDesiredState(parseKeepalivedConf(text, 'k.conf').config, { site: 'lab', director });
}
function mapSample(name: string): ToDesiredStateResult {
  return mapText(readFileSync(`${SAMPLES}/${name}`, 'utf8'));
}

describe('Debian samples map to valid documents', { skip }, () => {
  const names = skip ? [] : readdirSync(SAMPLES).filter((n) => n.startsWith('keepalived.conf.'));
  for (const name of names) {
    test(name, () => {
      const result = mapSample(name);
      assert.deepEqual(result.issues, []);
      assert.ok(result.document);
    });
  }

  test('keepalived.conf.sample: scheduler, forwarding, persistence, HTTP check', () => {
    const doc = mapSample('keepalived.conf.sample').document;
    const vs = doc?.virtualServers[0];
    assert.equal(vs?.name, '10.10.10.2-1358');
    assert.equal(vs.scheduler, 'rr');
    assert.equal(vs.forwarding, 'nat');
    assert.deepEqual(vs.persistence, { timeoutS: 50 });
    assert.deepEqual(vs.checkDefaults, { intervalMs: 6000 });
    const check = vs.realServers[0]?.checks[0];
    assert.equal(check?.type, 'http');
    assert.equal(check.type === 'http' && check.bodyDigest, '640205b7b0fc66c1ea91c463fac6334d');
    assert.equal(check.timeoutMs, 3000);
    assert.equal(check.fall, 4, 'retry 3 = four failed attempts');
    assert.equal(doc?.vrrpInstances[0]?.preempt, false);
  });

  test('keepalived.conf.virtual_server_group: one virtual server per entry, ranges expanded', () => {
    const { document, warnings } = mapSample('keepalived.conf.virtual_server_group');
    const names = document?.virtualServers.map((v) => v.name) ?? [];
    assert.equal(names.length, 13);
    assert.ok(names.includes('192.168.200.10-80'));
    assert.deepEqual(
      document?.virtualServers.filter((v) => v.fwmark !== undefined).map((v) => v.fwmark),
      [1, 2],
    );
    assert.ok(warnings.some((w) => /becomes 13 virtual servers/.test(w.message)));
  });

  test('keepalived.conf.fwmark: family comes from the real servers', () => {
    const vs = mapSample('keepalived.conf.fwmark').document?.virtualServers[0];
    assert.equal(vs?.fwmark, 1);
    assert.equal(vs.family, 'ipv4');
    assert.equal(vs.address, undefined);
  });

  test('keepalived.conf.vrrp: the duplicate VIP is dropped with a warning', () => {
    const { document, warnings } = mapSample('keepalived.conf.vrrp');
    assert.equal(document?.vrrpInstances[0]?.vips.length, 3);
    assert.ok(warnings.some((w) => w.line === 32 && /listed twice/.test(w.message)));
  });

  test('keepalived.conf.status_code: ranges are kept whole (200-299 is 100 codes)', () => {
    const { document, warnings } = mapSample('keepalived.conf.status_code');
    assert.ok(!warnings.some((w) => /status code/.test(w.message)));
    const codes = document?.virtualServers.flatMap((v) =>
      v.realServers.flatMap((r) =>
        r.checks.flatMap((c) => ('expectStatus' in c ? [c.expectStatus.length] : [])),
      ),
    );
    assert.ok(
      codes?.some((n) => n > 32),
      JSON.stringify(codes),
    );
  });
});

describe('mapping rules', () => {
  test('HTTP_GET with several urls: a check per url (keepalived fails the checker when any url fails)', () => {
    const text = [
      'virtual_server 192.0.2.80 80 {',
      ' lb_kind NAT',
      ' real_server 198.51.100.1 80 {',
      '  HTTP_GET {',
      '   url {',
      '    path /health',
      '   }',
      '   url {',
      '    path /api',
      '    status_code 200 204',
      '    virtualhost api.example',
      '    regex "ok|ready"',
      '   }',
      '   url {',
      '    digest 9b3a0c85a887a256d6939da88aabd8cd',
      '   }',
      '   connect_timeout 2',
      '  }',
      ' }',
      '}',
    ].join('\n');
    const r = mapText(text);
    const checks = r.document?.virtualServers[0]?.realServers[0]?.checks ?? [];
    assert.deepEqual(
      checks.map((c) =>
        c.type === 'http' ? [c.path, c.expectStatus.length, c.host, c.bodyRegex] : [],
      ),
      [
        ['/health', 100, undefined, undefined],
        ['/api', 2, 'api.example', 'ok|ready'],
      ],
    );
    const first = checks[0];
    assert.ok(
      first?.type === 'http' && first.expectStatus[0] === 200 && first.expectStatus[99] === 299,
    );
    assert.ok(r.warnings.some((w) => w.line === 14 && /without a path/.test(w.message)));
  });

  test('IPv6 VIPs force VRRPv3; unicast peers carry over', () => {
    const doc = mapText(
      'vrrp_instance V6 {\n interface eth0\n virtual_router_id 9\n unicast_src_ip 2001:db8::2\n' +
        ' unicast_peer {\n  2001:db8::3\n }\n virtual_ipaddress {\n  2001:db8::10/64\n }\n}',
    ).document;
    const v = doc?.vrrpInstances[0];
    assert.equal(v?.version, 3);
    assert.equal(v.unicast, true);
    assert.deepEqual(v.unicastPeers, ['2001:db8::3']);
    assert.deepEqual(v.vips, [{ address: '2001:db8::10', prefixLength: 64 }]);
  });
  test('state MASTER without priority means 255: 254 on a director that owns no VIP, with a warning', () => {
    const text =
      'vrrp_instance A {\n state MASTER\n interface eth0\n virtual_router_id 1\n' +
      ' virtual_ipaddress {\n  192.0.2.1\n }\n}';
    const r = mapText(text);
    assert.equal(r.document?.vrrpInstances[0]?.priority, 254);
    assert.equal(r.warnings.find((w) => w.message.includes('255'))?.line, 1);
    const owner = toDesiredState(parseKeepalivedConf(text, 'k.conf').config, {
      site: 'lab',
      director: { name: 'lb1', address: '192.0.2.1' },
    });
    assert.equal(owner.document?.vrrpInstances[0]?.priority, 255);
  });
  test('an instance without virtual_router_id is dropped with a warning', () => {
    const r = mapText('vrrp_instance A {\n interface eth0\n}');
    assert.deepEqual(r.document?.vrrpInstances, []);
    assert.equal(r.warnings[0]?.line, 1);
  });
  test('track_script with a vrrp_script becomes a script tracked check', () => {
    const r = mapText(
      'vrrp_script chk {\n script "/bin/check --fast"\n interval 2\n fall 2\n}\n' +
        'vrrp_instance A {\n interface eth0\n virtual_router_id 1\n priority 120\n' +
        ' virtual_ipaddress {\n  192.0.2.1\n }\n track_script {\n  chk weight -30\n }\n}',
    );
    assert.deepEqual(r.document?.vrrpInstances[0]?.trackedChecks, [
      {
        type: 'script',
        name: 'chk',
        path: '/bin/check',
        args: ['--fast'],
        intervalMs: 2000,
        timeoutMs: 2000,
        rise: 1,
        fall: 2,
        weight: -30,
        // No script_user: keepalived's default (keepalived_script if it exists, else root).
        runAs: { requireSafePath: false },
      },
    ]);
  });
  test("script_user root without enable_script_security is the agent's own user: no runAs", () => {
    const r = mapText(
      'global_defs {\n script_user root\n}\nvrrp_script chk {\n script /bin/true\n}\n' +
        'vrrp_instance A {\n interface eth0\n virtual_router_id 1\n' +
        ' virtual_ipaddress {\n  192.0.2.1\n }\n track_script {\n  chk\n }\n}',
    );
    assert.equal(r.document?.vrrpInstances[0]?.trackedChecks[0]?.type, 'script');
    assert.equal('runAs' in (r.document?.vrrpInstances[0]?.trackedChecks[0] ?? {}), false);
  });
  test('scripts run as their own user, else script_user, checked under enable_script_security', () => {
    const r = mapText(
      'global_defs {\n script_user nobody\n enable_script_security\n}\n' +
        'vrrp_script chk {\n script /bin/true\n user daemon adm\n}\n' +
        'vrrp_instance A {\n interface eth0\n virtual_router_id 1\n' +
        ' virtual_ipaddress {\n  192.0.2.1\n }\n track_script {\n  chk\n }\n' +
        ' notify_master /bin/true\n notify_backup "/bin/true b" www-data\n}\n' +
        'virtual_server 192.0.2.1 80 {\n real_server 198.51.100.1 80 {\n' +
        '  MISC_CHECK {\n   misc_path /bin/true\n  }\n }\n}',
    );
    const inst = r.document?.vrrpInstances[0];
    const check = inst?.trackedChecks[0];
    assert.deepEqual(check?.type === 'script' ? check.runAs : undefined, {
      user: 'daemon',
      group: 'adm',
      requireSafePath: true,
    });
    assert.deepEqual(inst?.notify.runAs, {
      master: { user: 'nobody', requireSafePath: true },
      backup: { user: 'www-data', requireSafePath: true },
    });
    const misc = r.document?.virtualServers[0]?.realServers[0]?.checks?.[0];
    assert.deepEqual(misc?.type === 'script' ? misc.runAs : undefined, {
      user: 'nobody',
      requireSafePath: true,
    });
  });
  test("track_file becomes a file tracked check with the instance's weight, else the file's", () => {
    const r = mapText(
      'track_file tf {\n file /run/fl.state\n weight 3\n init_file 1\n}\n' +
        'track_file rel {\n file run/other\n weight 0 reverse\n}\n' +
        'vrrp_instance A {\n interface eth0\n virtual_router_id 1\n' +
        ' virtual_ipaddress {\n  192.0.2.1\n }\n track_file {\n  tf weight -2 reverse\n  rel\n  none\n }\n}',
    );
    assert.deepEqual(r.document?.vrrpInstances[0]?.trackedChecks, [
      {
        type: 'file',
        name: 'file-tf',
        path: '/run/fl.state',
        weight: -2,
        reverse: true,
        init: { value: 1, overwrite: false },
      },
      { type: 'file', name: 'file-rel', path: '/run/other', weight: 0, reverse: true },
    ]);
    assert.deepEqual(
      r.warnings.map((w) => w.line),
      [6, 19],
    );
  });
});
