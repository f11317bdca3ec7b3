/**
 * The pure parts of the agent's VRRP runtime: resolving an instance against the host's links and
 * addresses (instance-plan.ts), the VIP lease length, the notify hook commands (keepalived's
 * arguments), the GARP schedule, and the agent's command line.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DirectorVrrpInstance } from '../../contract/vrrp-instance.js';
import type { InterfaceAddress, Link } from '../../agent/linux/rtnetlink/types.js';
import { planInstance } from '../../agent/vrrp/instance-plan.js';
import { leaseSeconds } from '../../agent/vrrp/vip-leases.js';
import { notifyCommands } from '../../agent/vrrp/notify.js';
import { GarpSchedule } from '../../agent/vrrp/garp-schedule.js';
import { parseAgentConfig } from '../../agent/config.js';
import { noAcceptAddresses, noAcceptRuleset } from '../../agent/core/vrrp/accept-mode.js';
import { hopLimitRuleset } from '../../agent/core/vrrp/hop-limit.js';

const spec = (over: Record<string, unknown> = {}) =>
  DirectorVrrpInstance.parse({
    name: 'web',
    vrid: 51,
    interface: 'eth0',
    priority: 150,
    vips: [{ address: '192.0.2.100', prefixLength: 24, label: 'eth0:web' }],
    ...over,
  });
const links: Link[] = [
  { index: 1, name: 'lo', up: true, flags: 0 },
  { index: 2, name: 'eth0', up: true, mac: '02:00:00:00:00:01', flags: 0 },
  { index: 3, name: 'eth1', up: false, flags: 0 },
];
const address = (over: Partial<InterfaceAddress>): InterfaceAddress => ({
  interfaceIndex: 2,
  address: '192.0.2.11',
  prefixLength: 24,
  family: 'ipv4',
  scope: 0,
  flags: 0,
  ...over,
});
const addresses = [
  address({ address: '192.0.2.100', flags: 0 }), // a leftover VIP is not the primary
  address({ address: '192.0.2.11' }),
  address({ address: '192.0.2.12', flags: 1 }), // secondary
  address({ address: 'fe80::1', family: 'ipv6', prefixLength: 64, scope: 253 }),
  address({ address: '2001:db8::11', family: 'ipv6', prefixLength: 64 }),
];

describe('planInstance', () => {
  test('IPv4: the primary address, VIPs with interface index and label', () => {
    const result = planInstance(spec(), links, addresses);
    assert.ok(result.ok);
    assert.equal(result.plan.primaryAddress, '192.0.2.11');
    assert.equal(result.plan.family, 'ipv4');
    assert.deepEqual(result.plan.vips, [
      { interfaceIndex: 2, address: '192.0.2.100', prefixLength: 24, label: 'eth0:web' },
    ]);
    assert.equal(result.plan.outgoing.v3Ipv4Checksum, 'pseudo-header');
  });
  test('IPv6: the link-local address; prefix /128 by default; canonical VIPs', () => {
    const result = planInstance(spec({ vips: [{ address: '2001:DB8::100' }] }), links, addresses);
    assert.ok(result.ok);
    assert.equal(result.plan.primaryAddress, 'fe80::1');
    assert.deepEqual(result.plan.vips[0], {
      interfaceIndex: 2,
      address: '2001:db8::100',
      prefixLength: 128,
    });
  });
  test('excluded VIPs (advertised false) are held but not advertised; any family', () => {
    const result = planInstance(
      spec({
        vips: [
          { address: '192.0.2.100', prefixLength: 24 },
          { address: '192.0.2.101', advertised: false },
          { address: '2001:db8::101', advertised: false },
        ],
      }),
      links,
      addresses,
    );
    assert.ok(result.ok);
    assert.equal(result.plan.family, 'ipv4');
    assert.deepEqual(
      result.plan.vips.map((v) => `${v.address}/${v.prefixLength}`),
      ['192.0.2.100/24', '192.0.2.101/32', '2001:db8::101/128'],
    );
    assert.deepEqual(result.plan.outgoing.vips, ['192.0.2.100']);
    assert.deepEqual(result.plan.receiving.vips, ['192.0.2.100']);
  });
  test('no VIPs (notify-only): IPv4, nothing held, nothing advertised', () => {
    const result = planInstance(spec({ version: 2, vips: [] }), links, addresses);
    assert.ok(result.ok);
    assert.equal(result.plan.family, 'ipv4');
    assert.deepEqual(result.plan.vips, []);
    assert.deepEqual(result.plan.outgoing.vips, []);
  });
  test('unicast source wins; peers only when unicast', () => {
    const result = planInstance(
      spec({ unicast: true, unicastSource: '192.0.2.12', unicastPeers: ['192.0.2.13'] }),
      links,
      addresses,
    );
    assert.ok(result.ok);
    assert.equal(result.plan.primaryAddress, '192.0.2.12');
    assert.deepEqual(result.plan.outgoing.unicastPeers, ['192.0.2.13']);
  });
  test('v3ChecksumAsV2 selects the message-only checksum', () => {
    const result = planInstance(spec({ v3ChecksumAsV2: true }), links, addresses);
    assert.ok(result.ok && result.plan.outgoing.v3Ipv4Checksum === 'no-pseudo-header');
  });
  test('clear errors for a missing interface, VIP device or address', () => {
    const missing = planInstance(spec({ interface: 'eth9' }), links, addresses);
    assert.deepEqual(missing, { ok: false, error: 'interface eth9 does not exist' });
    const device = planInstance(
      spec({ vips: [{ address: '192.0.2.100', device: 'eth7' }] }),
      links,
      addresses,
    );
    assert.equal(!device.ok && device.error, 'interface eth7 of VIP 192.0.2.100 does not exist');
    const bare = planInstance(spec({ interface: 'eth1' }), links, addresses);
    assert.equal(
      !bare.ok && bare.error,
      'interface eth1 has no primary IPv4 address to advertise from',
    );
  });
});

test('leaseSeconds: ⌈Master_Down_Interval⌉, at least 2 s', () => {
  assert.equal(leaseSeconds(360.9), 2);
  assert.equal(leaseSeconds(3609.4), 4);
  assert.equal(leaseSeconds(10_828), 11);
});

describe('notifyCommands (keepalived notify semantics)', () => {
  const hooks = {
    master: '/n/master',
    backup: '/n/backup',
    fault: '/n/fault',
    stop: '/n/stop',
    any: '/n/any',
  };
  const rows = [
    ['master', '/n/master', 'MASTER'],
    ['backup', '/n/backup', 'BACKUP'],
    ['fault', '/n/fault', 'FAULT'],
    ['initialize', '/n/stop', 'STOP'],
  ] as const;
  for (const [state, script, word] of rows) {
    test(`${state}: ${script} without arguments, then notify with INSTANCE web ${word} 100`, () => {
      assert.deepEqual(notifyCommands(hooks, 'web', state, 100), [
        { script, args: [] },
        { script: '/n/any', args: ['INSTANCE', 'web', word, '100'] },
      ]);
    });
  }
  test('no hooks, no commands', () => {
    assert.deepEqual(notifyCommands({}, 'web', 'master', 100), []);
  });
});

describe('GarpSchedule', () => {
  test('a burst of masterRepeat at once; stop cancels the second burst', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    let sent = 0;
    const schedule = new GarpSchedule(
      { masterDelayS: 5, masterRepeat: 3, masterRefreshS: 0, intervalMs: 0 },
      () => sent++,
    );
    schedule.start();
    assert.equal(sent, 3);
    t.mock.timers.tick(5_000);
    assert.equal(sent, 6, 'second burst after masterDelayS');
    schedule.start();
    schedule.stop();
    t.mock.timers.tick(10_000);
    assert.equal(sent, 9);
  });
  test('intervalMs spaces a burst; refresh repeats one', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    let sent = 0;
    const schedule = new GarpSchedule(
      { masterDelayS: 0, masterRepeat: 3, masterRefreshS: 2, intervalMs: 100 },
      () => sent++,
    );
    schedule.start();
    assert.equal(sent, 1);
    t.mock.timers.tick(200);
    assert.equal(sent, 3);
    t.mock.timers.tick(1_800);
    assert.equal(sent, 4);
    schedule.stop();
  });
});

describe('parseAgentConfig', () => {
  test('control-plane mode: URL, token file and state directory from the environment', () => {
    const parsed = parseAgentConfig([], {
      FLEETLB_CONTROL_PLANE: 'https://fleetlb.example:8080',
      FLEETLB_TOKEN_FILE: '/etc/fleetlb/token',
      FLEETLB_STATE_DIR: '/srv/fleetlb',
    });
    assert.ok('config' in parsed);
    assert.equal(parsed.config.controlPlaneUrl, 'https://fleetlb.example:8080');
    assert.equal(parsed.config.tokenFile, '/etc/fleetlb/token');
    assert.equal(parsed.config.stateDir, '/srv/fleetlb');
    assert.equal(parsed.config.desiredPath, undefined);
    const reexeced = parseAgentConfig(['--control-plane', 'http://x', '--token-file', 't'], {
      FLEETLB_AGENT_FIRST_DOCUMENT_REEXEC: 'done',
    });
    assert.ok('config' in reexeced);
    assert.deepEqual(reexeced.config.launcherEnv, { FLEETLB_AGENT_FIRST_DOCUMENT_REEXEC: 'done' });
  });

  test('flags over environment; defaults', () => {
    const parsed = parseAgentConfig(['--desired', '/etc/fleetlb/d.json'], {
      FLEETLB_LOG_LEVEL: 'debug',
    });
    assert.deepEqual(parsed, {
      help: false,
      config: {
        desiredPath: '/etc/fleetlb/d.json',
        site: 'standalone',
        stateDir: '/var/lib/fleetlb',
        checkConfig: false,
        dryRun: false,
        ipvsOnExit: 'keep',
        guard: true,
        logLevel: 'debug',
        launcherEnv: {},
      },
    });
  });

  test('keepalived.conf mode with its site; --dry-run; --ipvs-on-exit', () => {
    const parsed = parseAgentConfig(
      ['--keepalived-conf', '/etc/keepalived/keepalived.conf', '--site', 'dc1', '--dry-run'],
      { FLEETLB_IPVS_ON_EXIT: 'remove' },
    );
    assert.ok('config' in parsed);
    assert.equal(parsed.config.keepalivedConfPath, '/etc/keepalived/keepalived.conf');
    assert.equal(parsed.config.site, 'dc1');
    assert.equal(parsed.config.dryRun, true);
    assert.equal(parsed.config.ipvsOnExit, 'remove');
    const bad = parseAgentConfig(['--desired', 'x', '--ipvs-on-exit', 'flush'], {});
    assert.ok('error' in bad && bad.error.startsWith('ipvsOnExit'));
    const two = parseAgentConfig(['--desired', 'x', '--keepalived-conf', 'y'], {});
    assert.ok('error' in two && two.error.includes('give one of'));
  });
  test('errors name the problem', () => {
    assert.deepEqual(parseAgentConfig([], {}), {
      help: false,
      error: ': give one of --control-plane URL, --desired FILE or --keepalived-conf FILE',
    });
    const noToken = parseAgentConfig(['--control-plane', 'http://192.0.2.1:8080'], {});
    assert.ok('error' in noToken && noToken.error.endsWith('--control-plane needs --token-file'));
    const badListen = parseAgentConfig(['--desired', 'x', '--metrics-listen', 'nope'], {});
    assert.ok('error' in badListen && badListen.error.startsWith('metricsListen'));
    const both = parseAgentConfig(['--desired', 'x', '--control-plane', 'http://h'], {});
    assert.ok('error' in both && both.error.includes('give one of'));
    const bad = parseAgentConfig(['--desired', 'x', '--log-level', 'loud'], {});
    assert.ok('error' in bad && bad.error.startsWith('logLevel'));
  });
});

describe('Accept_Mode False rules (core/vrrp/accept-mode.ts)', () => {
  test('only non-owner instances with acceptMode false; canonical, deduplicated, sorted', () => {
    assert.deepEqual(
      noAcceptAddresses([
        { acceptMode: false, priority: 150, vips: ['2001:DB8::1', '192.0.2.100'] },
        { acceptMode: false, priority: 255, vips: ['192.0.2.200'] }, // the owner always accepts
        { acceptMode: true, priority: 100, vips: ['192.0.2.201'] },
        { acceptMode: false, priority: 100, vips: ['192.0.2.100'] },
      ]),
      ['192.0.2.100', '2001:db8::1'],
    );
  });
  test('the ruleset replaces the table atomically; empty removes it', () => {
    const text = noAcceptRuleset(['192.0.2.100']);
    assert.match(text, /^add table inet fleetlb_no_accept\ndelete table inet fleetlb_no_accept\n/);
    assert.match(text, /elements = \{ 192\.0\.2\.100 \}/);
    assert.equal(
      noAcceptRuleset([]),
      'add table inet fleetlb_no_accept\ndelete table inet fleetlb_no_accept\n',
    );
  });
});

test('IPv6 hop-limit rules name each VRRP interface once (core/vrrp/hop-limit.ts)', () => {
  const text = hopLimitRuleset(['eth1', 'eth0', 'eth1']);
  assert.match(
    text,
    /iifname \{ "eth0", "eth1" \} meta l4proto 112 ip6 hoplimit != 255 counter drop/,
  );
  assert.equal(
    hopLimitRuleset([]),
    'add table ip6 fleetlb_vrrp_hop_limit\ndelete table ip6 fleetlb_vrrp_hop_limit\n',
  );
});
