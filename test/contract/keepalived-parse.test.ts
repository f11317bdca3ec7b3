/** contract/keepalived: every Debian keepalived sample parses without errors, with spot-checked values. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import {
  parseKeepalivedConf,
  toDesiredState,
  type KeepalivedParseResult,
} from '../../contract/index.js';
import { prerequisite } from '../support/tier.js';

const SAMPLES = '/usr/share/doc/keepalived/samples';
const skip = prerequisite(
  existsSync(SAMPLES),
  `${SAMPLES} is missing (apt-get install keepalived provides the samples)`,
);
const names = skip
  ? []
  : readdirSync(SAMPLES)
      .filter((n) => n.startsWith('keepalived.conf.'))
      .sort();

function sample(name: string): KeepalivedParseResult {
  const path = `${SAMPLES}/${name}`;
  return parseKeepalivedConf(readFileSync(path, 'utf8'), path);
}

describe('Debian keepalived samples', { skip }, () => {
  test('all 25 samples are present', () => assert.equal(names.length, 25));
  for (const name of names) {
    test(`${name} parses with no error`, () => {
      const errors = sample(name).diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(errors, []);
    });
  }

  test('keepalived.conf.vrrp: VRID, priority, VIPs, label, auth, smtp_alert warning', () => {
    const { config, diagnostics } = sample('keepalived.conf.vrrp');
    const vi1 = config.vrrpInstances[0];
    assert.equal(vi1?.name, 'VI_1');
    assert.equal(vi1.virtualRouterId, 51);
    assert.equal(vi1.priority, 100);
    assert.equal(vi1.advertIntervalCs, 100);
    assert.equal(vi1.state, 'MASTER');
    assert.equal(vi1.garpMasterDelayS, 10);
    assert.deepEqual(vi1.authentication, { type: 'PASS', password: '1111' });
    assert.deepEqual(
      vi1.virtualIpaddress.map((v) => v.address),
      ['192.168.200.16', '192.168.200.17', '192.168.200.18', '192.168.200.18'],
    );
    assert.equal(vi1.virtualIpaddress[3]?.label, 'eth0:1');
    const smtp = diagnostics.find((d) => d.message.includes('smtp_alert'));
    assert.equal(smtp?.severity, 'warning');
    assert.equal(smtp.line, 17);
  });

  test('keepalived.conf.sample: real server, lb_kind, HTTP_GET path and digest', () => {
    const { config } = sample('keepalived.conf.sample');
    assert.equal(config.globalDefs.routerId, 'LVS_DEVEL');
    assert.equal(config.vrrpInstances[0]?.nopreempt, true);
    const vs = config.virtualServers[0];
    assert.deepEqual(vs?.key, { kind: 'address', address: '10.10.10.2', port: 1358 });
    assert.equal(vs.lbKind, 'NAT');
    assert.equal(vs.lbAlgo, 'rr');
    assert.equal(vs.persistenceTimeoutS, 50);
    assert.deepEqual(vs.sorryServer, { address: '192.168.200.200', port: 1358 });
    const rs = vs.realServers[0];
    assert.equal(rs?.address, '192.168.200.2');
    assert.equal(rs.port, 1358);
    assert.equal(rs.weight, 1);
    const check = rs.checkers[0];
    assert.equal(check?.type, 'HTTP_GET');
    const { at: _at, ...url } = check.urls[0]!;
    assert.deepEqual(url, {
      path: '/testurl3/test.jsp',
      digest: '640205b7b0fc66c1ea91c463fac6334d',
      statusCodes: [],
      regexNoMatch: false,
    });
    assert.equal(check.retry, 3);
    assert.equal(check.connectTimeoutS, 3);
  });

  test('keepalived.conf.fwmark: virtual_server fwmark 1, port-less real servers', () => {
    const vs = sample('keepalived.conf.fwmark').config.virtualServers[0];
    assert.deepEqual(vs?.key, { kind: 'fwmark', fwmark: 1 });
    assert.deepEqual(
      vs.realServers.map((r) => [r.address, r.port, r.checkers[0]?.connectPort]),
      [
        ['192.168.201.100', undefined, 80],
        ['192.168.201.101', undefined, 80],
      ],
    );
  });

  test('keepalived.conf.virtual_server_group: addresses, range and fwmark entries', () => {
    const { config } = sample('keepalived.conf.virtual_server_group');
    const group = config.virtualServerGroups[0];
    assert.equal(group?.name, 'VSG_1');
    assert.deepEqual(group.entries, [
      { kind: 'address', address: '10.0.0.1', port: 8080 },
      { kind: 'address', address: '10.0.0.2', port: 80 },
      { kind: 'address', address: '192.168.200.1', port: 1358 },
      { kind: 'range', first: '192.168.200.3', last: '192.168.200.10', port: 80 },
      { kind: 'fwmark', fwmark: 1 },
      { kind: 'fwmark', fwmark: 2 },
    ]);
    assert.deepEqual(config.virtualServers[0]?.key, { kind: 'group', group: 'VSG_1' });
  });

  test('keepalived.conf.misc_check: misc_dynamic is commented out with "!"', () => {
    const checks = sample('keepalived.conf.misc_check').config.virtualServers.flatMap((v) =>
      v.realServers.flatMap((r) => r.checkers),
    );
    const misc = checks.filter((c) => c.type === 'MISC_CHECK');
    assert.ok(misc.length > 0);
    assert.ok(misc.some((c) => c.miscPath?.join(' ') === '/usr/local/bin/script.sh'));
    assert.ok(misc.every((c) => !c.miscDynamic));
  });

  test('keepalived.conf.misc_check_arg: a quoted misc_path keeps its arguments', () => {
    const rs = sample('keepalived.conf.misc_check_arg').config.virtualServers[0]?.realServers;
    assert.deepEqual(rs?.[0]?.checkers[0]?.miscPath, ['/usr/local/bin/script.sh', 'arg1', 'arg2']);
  });

  test('keepalived.conf.vrrp.sync: sync groups and quoted notify scripts', () => {
    const { config } = sample('keepalived.conf.vrrp.sync');
    assert.deepEqual(config.vrrpSyncGroups[0]?.group, [
      'VI_1',
      'VI_2',
      'VI_5',
      'VI_6',
      'VI_7',
      'VI_8',
      'VI_9',
    ]);
    assert.deepEqual(config.vrrpSyncGroups[0]?.notify.master, [
      '/usr/local/bin/vrrp.mast',
      'arg1',
      'arg2',
    ]);
  });

  test('keepalived.conf.track_interface: weighted track_interface', () => {
    const tracks = sample('keepalived.conf.track_interface').config.vrrpInstances.flatMap(
      (v) => v.trackInterfaces,
    );
    assert.ok(tracks.length > 0);
  });

  test('keepalived.conf.conditional_conf: @id lines follow the config id', () => {
    const path = `${SAMPLES}/keepalived.conf.conditional_conf`;
    const text = readFileSync(path, 'utf8');
    const high = parseKeepalivedConf(text, path, { configId: 'high' }).config;
    const low = parseKeepalivedConf(text, path, { configId: 'low' }).config;
    const none = parseKeepalivedConf(text, path).config;
    assert.equal(high.vrrpInstances[0]?.priority, 170);
    assert.equal(low.vrrpInstances[0]?.priority, 85);
    assert.equal(none.vrrpInstances[0]?.priority, undefined);
    assert.equal(high.vrrpInstances[0]?.version, 3);
    assert.deepEqual(high.vrrpInstances[0]?.trackInterfaces, [
      { name: 'eth3' },
      { name: 'eth2', weight: 20 },
    ]);
  });

  test('keepalived.conf.SMTP_CHECK / PING_CHECK: parsed without errors, host blocks warned about', () => {
    const smtp = sample('keepalived.conf.SMTP_CHECK');
    assert.ok(smtp.diagnostics.some((d) => /SMTP_CHECK host blocks/.test(d.message)));
    assert.ok(
      smtp.config.virtualServers.some((v) =>
        v.realServers.some((r) => r.checkers.some((k) => k.heloName !== undefined)),
      ),
    );
    const ping = sample('keepalived.conf.PING_CHECK');
    assert.deepEqual(
      ping.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
  });

  test('track_file blocks and instance track_file lists are read as track_file.c reads them', () => {
    const text = [
      'track_file tf1 {',
      '    file /run/fl.state',
      '    weight -5 reverse',
      '    init_file 3 overwrite',
      '}',
      'vrrp_track_file old {',
      '    weight 2',
      '}',
      'vrrp_instance VI_1 {',
      '    interface eth0',
      '    virtual_router_id 51',
      '    track_file {',
      '        tf1 weight 7 noreverse',
      '        tf1 bogus',
      '        tf1 weight 999',
      '    }',
      '}',
      'virtual_server 192.0.2.10 80 {',
      '    real_server 198.51.100.1 80 {',
      '    }',
      '}',
    ].join('\n');
    const { config, diagnostics } = parseKeepalivedConf(text, 'k.conf');
    assert.deepEqual(
      config.trackFiles.map(({ at: _, ...f }) => f),
      [
        {
          name: 'tf1',
          file: '/run/fl.state',
          weight: -5,
          reverse: true,
          init: { value: 3, overwrite: true },
        },
      ],
    );
    assert.deepEqual(
      config.vrrpInstances[0]?.trackFiles.map(({ at: _, ...r }) => r),
      [{ name: 'tf1', weight: 7, reverse: false }, { name: 'tf1' }],
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.line, d.column]),
      [
        ['warning', 6, 1], // vrrp_track_file is deprecated
        ['warning', 6, 1], // no file: ignored
        ['warning', 14, 13], // unknown option: entry ignored
        ['warning', 15, 20], // weight out of range: the file's own
      ],
    );
  });

  test("FILE_CHECK is read as check_file.c reads it: a track_file defined above it, its own weight or the file's", () => {
    const text = [
      'virtual_server 192.0.2.10 80 {',
      '    real_server 198.51.100.1 80 {',
      '        FILE_CHECK {',
      '            track_file later',
      '        }',
      '    }',
      '}',
      'track_file later {',
      '    file /run/later',
      '    weight 3 reverse',
      '}',
      'virtual_server 192.0.2.10 81 {',
      '    real_server 198.51.100.1 81 {',
      '        FILE_CHECK {',
      '            track_file later',
      '        }',
      '        FILE_CHECK {',
      '            track_file later',
      '            weight 2147483647',
      '        }',
      '        FILE_CHECK {',
      '            track_file later',
      '            weight 5 sideways',
      '            weight 99999999999',
      '            delay_loop 3',
      '        }',
      '        FILE_CHECK {',
      '            weight 0 reverse',
      '        }',
      '    }',
      '}',
    ].join('\n');
    const { config, diagnostics } = parseKeepalivedConf(text, 'k.conf');
    const checkers = config.virtualServers.map((v) =>
      v.realServers[0]?.checkers.map((k) => [k.type, k.trackFile, k.fileWeight, k.fileReverse]),
    );
    assert.deepEqual(checkers, [
      [],
      [
        ['FILE_CHECK', 'later', undefined, undefined],
        ['FILE_CHECK', 'later', 2147483647, false],
        ['FILE_CHECK', 'later', undefined, undefined],
      ],
    ]);
    assert.deepEqual(
      diagnostics.map((d) => [d.line, d.column]),
      [
        [4, 24], // track_file later not found (defined below)
        [5, 9], // FILE_CHECK has no track_file: ignored, at its '}' as keepalived says
        [23, 22], // unknown weight option: the line is ignored
        [24, 20], // weight out of range: ignored
        [25, 13], // unknown keyword
        [29, 9], // no track_file: ignored
      ],
    );
    assert.ok(diagnostics.every((d) => d.severity === 'warning'));
    const mapped = toDesiredState(config, {
      site: 's',
      director: { name: 'lb1', address: '198.51.100.1' },
    });
    assert.deepEqual(mapped.document?.virtualServers[1]?.realServers[0]?.checks, [
      { type: 'file', path: '/run/later', weight: 3, reverse: true },
      { type: 'file', path: '/run/later', weight: 2147483647, reverse: false },
      { type: 'file', path: '/run/later', weight: 3, reverse: true },
    ]);
  });

  test('script_user, a vrrp_script user, a MISC_CHECK user and notify USER GROUP are read', () => {
    const text = [
      'global_defs {',
      '    script_user nobody nogroup',
      '    enable_script_security',
      '}',
      'vrrp_script chk {',
      '    script /bin/true',
      '    user daemon :adm',
      '}',
      'vrrp_instance VI_1 {',
      '    interface eth0',
      '    virtual_router_id 51',
      '    notify_master "/bin/true master" www-data www-data',
      '}',
      'virtual_server 192.0.2.10 80 {',
      '    real_server 198.51.100.1 80 {',
      '        MISC_CHECK {',
      '            misc_path /bin/true',
      '            user nobody',
      '        }',
      '    }',
      '}',
    ].join('\n');
    const { config, diagnostics } = parseKeepalivedConf(text, 'k.conf');
    const who = (u: { user: string; group?: string } | undefined) =>
      u === undefined ? undefined : [u.user, u.group];
    assert.deepEqual(who(config.globalDefs.scriptUser), ['nobody', 'nogroup']);
    assert.equal(config.globalDefs.enableScriptSecurity, true);
    assert.deepEqual(who(config.vrrpScripts[0]?.user), ['daemon', ':adm']);
    assert.deepEqual(who(config.vrrpInstances[0]?.notifyUsers.master), ['www-data', 'www-data']);
    assert.deepEqual(who(config.virtualServers[0]?.realServers[0]?.checkers[0]?.miscUser), [
      'nobody',
      undefined,
    ]);
    // ':adm' is a group name to keepalived 2.2 (supplementary groups came later): said at its line.
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.line]),
      [['warning', 7]],
    );
  });
});
