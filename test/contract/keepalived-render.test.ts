/**
 * contract/keepalived/render: a director's document exported as keepalived.conf imports back to
 * the same document (hand-written documents covering every feature, every Debian sample), the
 * losses are reported as warnings, and keepalived's own config test (`keepalived -t`) accepts it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DesiredState,
  TrackedCheck,
  parseKeepalivedConf,
  renderKeepalivedConf,
  renderKeepalivedConfWithWarnings,
  toDesiredState,
  validateDesiredState,
} from '../../contract/index.js';
import { desiredState, type Json } from './builders.js';
import { prerequisite } from '../support/tier.js';

const SAMPLES = '/usr/share/doc/keepalived/samples';
const hasKeepalived = spawnSync('sh', ['-c', 'command -v keepalived']).status === 0;

/** A non-loopback interface of this machine (keepalived -t refuses unknown interfaces). */
function hostInterfaces(): string[] {
  const names = existsSync('/sys/class/net') ? readdirSync('/sys/class/net') : [];
  const up = (n: string) => readFileSync(`/sys/class/net/${n}/operstate`, 'utf8').trim() === 'up';
  return names.filter((n) => n !== 'lo').sort((a, b) => Number(up(b)) - Number(up(a)));
}
const [IFACE = 'eth0', OTHER_IFACE] = hostInterfaces();

function roundTrip(doc: DesiredState): { document?: DesiredState; diagnostics: string[] } {
  const parsed = parseKeepalivedConf(renderKeepalivedConf(doc), 'rendered.conf');
  const { site, director, revision } = doc;
  const back = toDesiredState(parsed.config, { site, director, revision });
  assert.deepEqual(back.issues, []);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  return {
    ...(back.document ? { document: back.document } : {}),
    diagnostics: errors.map((d) => d.message),
  };
}

/**
 * keepalived's verdict on `text` (`keepalived -t -f FILE`, no daemon, no root needed for the
 * parse): exit 0 and no output when clean; each problem prints a line on stderr and the exit
 * status is non-zero (5 for config errors, 6 for script-security ones in 2.2).
 */
function keepalivedConfigTest(text: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlb-keepalived-'));
  try {
    writeFileSync(join(dir, 'keepalived.conf'), text, { mode: 0o644 });
    const run = spawnSync('keepalived', ['-t', '-f', join(dir, 'keepalived.conf')], {
      encoding: 'utf8',
    });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const script = (name: string, weight: number): Json => ({
  type: 'script',
  name,
  path: '/bin/true',
  args: ['--probe', 'uplink#1'],
  intervalMs: 2000,
  timeoutMs: 1000,
  rise: 2,
  fall: 3,
  weight,
  runAs: ROOT_CHECKED,
});

/** Scripts run as root, checked (keepalived -t wants enable_script_security when root runs them). */
const ROOT_CHECKED = { user: 'root', requireSafePath: true };
// keepalived 2.2.7's `-t` kills itself (SIGTERM) checking a script that runs as another uid:gid
// (core/notify.c check_script_secure(): the getppid() test lacks the CONFIG_TEST guard there), so
// the documents keepalived -t reads run their scripts as root; other users are tested below.
const NOBODY = { user: 'nobody', group: 'nogroup', requireSafePath: true };

/** A tracked file (keepalived track_file), in a directory keepalived -t can resolve. */
const trackFile: Json = {
  type: 'file',
  name: 'file-drain',
  path: '/run/fleetlb-render-test.state',
  weight: -3,
  reverse: true,
  init: { value: 0, overwrite: true },
};

/** Two v2 instances in a sync group: every VRRP keyword the renderer writes. */
const vrrpDoc = desiredState({
  instances: [
    {
      name: 'vi-web',
      vrid: 51,
      version: 2,
      interface: IFACE,
      advertIntervalCs: 200,
      preempt: false,
      acceptMode: false,
      unicast: true,
      unicastSource: '192.0.2.2',
      unicastPeers: ['192.0.2.3', '192.0.2.4'],
      authPassword: 'p w#1!',
      vips: [
        { address: '192.0.2.10', prefixLength: 24, device: IFACE, label: `${IFACE}:web` },
        { address: '192.0.2.11' },
      ],
      trackedChecks: [
        ...(OTHER_IFACE
          ? [{ type: 'interface', name: `if-${OTHER_IFACE}`, interface: OTHER_IFACE, weight: -20 }]
          : []),
        script('chk-uplink', -30),
        trackFile,
      ],
      syncGroup: 'sg-web',
      garp: { masterDelayS: 2, masterRepeat: 3, masterRefreshS: 60, intervalMs: 20 },
      notify: {
        master: '/bin/true',
        backup: '/bin/true',
        fault: '/bin/true',
        stop: '/bin/true',
        any: '/bin/true',
        runAs: {
          master: ROOT_CHECKED,
          backup: ROOT_CHECKED,
          fault: ROOT_CHECKED,
          stop: ROOT_CHECKED,
          any: ROOT_CHECKED,
        },
      },
    },
    {
      name: 'vi-db',
      vrid: 52,
      version: 2,
      interface: IFACE,
      priority: 100,
      preemptDelayS: 30,
      unicastSource: '192.0.2.2',
      vips: [{ address: '192.0.2.20', prefixLength: 32 }],
      trackedChecks: [script('chk-uplink', 15)],
      syncGroup: 'sg-web',
      garp: { masterDelayS: 5, masterRepeat: 5, masterRefreshS: 0, intervalMs: 20 },
    },
  ],
});

/** Mixed versions (so each instance says its own), IPv6, and an address owner. */
const versionsDoc = desiredState({
  instances: [
    {
      name: 'vi-v6',
      vrid: 60,
      version: 3,
      interface: IFACE,
      advertIntervalCs: 5,
      vips: [{ address: '2001:db8::10', prefixLength: 64 }],
    },
    {
      name: 'vi-owner',
      vrid: 61,
      version: 2,
      interface: IFACE,
      priority: 255,
      vips: [{ address: '192.0.2.2' }, { address: '192.0.2.30' }],
    },
  ],
});

const checks: Json[] = [
  {
    type: 'http',
    path: '/health check#1',
    expectStatus: [200, 204, 301],
    bodyDigest: '640205b7b0fc66c1ea91c463fac6334d',
    host: 'www.example.com',
    port: 8081,
    timeoutMs: 2500,
    rise: 1,
    fall: 3,
    intervalMs: 3000,
  },
  { type: 'https', tlsVerify: false, timeoutMs: 10, rise: 1, fall: 2 },
  { type: 'tcp', port: 9100, rise: 1, fall: 1 },
  { type: 'udp', timeoutMs: 1500, rise: 1, fall: 2 },
  { type: 'dns', queryName: 'example.com', queryType: 'A', rise: 1, fall: 4 },
  { type: 'smtp', heloName: 'lb1.example', port: 25, rise: 1, fall: 2 },
  {
    type: 'script',
    path: '/bin/true',
    args: ['--web', 'x'],
    timeoutMs: 2000,
    dynamicWeight: true,
    runAs: ROOT_CHECKED,
    rise: 1,
    fall: 2,
  },
];

/** FILE_CHECKs: two sharing one track_file block, one with init_file (weight 0: down on 0, reversed). */
const fileChecks: Json[] = [
  { type: 'file', path: '/run/fleetlb-render-test.weight', weight: 10, reverse: false },
  {
    type: 'file',
    path: '/run/fleetlb-render-test.maintenance',
    weight: 0,
    reverse: true,
    init: { value: 1, overwrite: false },
  },
  { type: 'file', path: '/run/fleetlb-render-test.weight', weight: -2147483647, reverse: true },
];

/** IPv4/IPv6, TCP/UDP/SCTP, fwmark, all-port, NAT/DR/TUN, every checker. */
const lvsDoc = desiredState({
  instances: [],
  virtualServers: [
    {
      name: '192.0.2.10-80',
      address: '192.0.2.10',
      port: 80,
      protocol: 'tcp',
      scheduler: 'sh',
      persistence: { timeoutS: 300, netmask: 24 },
      quorum: 2,
      hysteresis: 1,
      inhibitOnFailure: true,
      sorryServer: { address: '198.51.100.99', port: 8080 },
      checkDefaults: { intervalMs: 5500 },
      realServers: [
        {
          name: '198.51.100.11-8080',
          address: '198.51.100.11',
          port: 8080,
          weight: 3,
          upperThreshold: 100,
          lowerThreshold: 10,
          checks,
        },
        {
          name: '198.51.100.12-8080',
          address: '198.51.100.12',
          port: 8080,
          checks: fileChecks,
        },
      ],
    },
    {
      name: '192.0.2.10-53',
      address: '192.0.2.10',
      port: 53,
      protocol: 'udp',
      forwarding: 'dr',
      checkDefaults: { intervalMs: 100 },
      realServers: [
        {
          name: '198.51.100.11-53',
          address: '198.51.100.11',
          port: 53,
          checks: [{ type: 'dns', rise: 1, fall: 4 }],
        },
      ],
    },
    {
      name: '192.0.2.10-3868',
      address: '192.0.2.10',
      port: 3868,
      protocol: 'sctp',
      checkDefaults: { intervalMs: 60000 },
      realServers: [{ name: '198.51.100.13-3868', address: '198.51.100.13', port: 3868 }],
    },
    {
      name: 'fwmark-7',
      fwmark: 7,
      family: 'ipv6',
      forwarding: 'tun',
      scheduler: 'mh',
      persistence: { timeoutS: 60, netmask: 64 },
      checkDefaults: { intervalMs: 1000 },
      realServers: [{ name: '2001-db8-1-0', address: '2001:db8::1', port: 0 }],
    },
    {
      name: '2001-db8-5-0',
      address: '2001:db8::5',
      port: 0,
      protocol: 'tcp',
      persistence: { timeoutS: 3600 },
      checkDefaults: { intervalMs: 2000 },
      realServers: [{ name: '2001-db8-6-443', address: '2001:db8::6', port: 443 }],
    },
  ],
});

/** virtual_ipaddress_excluded: unadvertised VIPs, one of the other family (keepalived allows it). */
const excludedDoc = desiredState({
  instances: [
    {
      name: 'vi-ex',
      vrid: 70,
      version: 2,
      interface: IFACE,
      vips: [
        { address: '192.0.2.70', prefixLength: 24 },
        { address: '192.0.2.71', prefixLength: 32, advertised: false },
        { address: '2001:db8::71', prefixLength: 64, advertised: false },
      ],
    },
  ],
});

const HAND_WRITTEN = { vrrpDoc, versionsDoc, lvsDoc, excludedDoc };

/** A notify-only instance (no VIPs): keepalived -t says only its "at least one is sensible". */
const notifyOnlyDoc = desiredState({
  instances: [
    {
      name: 'vi-eni',
      vrid: 71,
      version: 2,
      interface: IFACE,
      vips: [],
      notify: {
        master: '/bin/true',
        args: { master: ['attach'] },
        runAs: { master: ROOT_CHECKED },
      },
    },
  ],
});

describe('hand-written documents round-trip', () => {
  for (const [name, doc] of Object.entries(HAND_WRITTEN)) {
    test(`${name}: valid, no warnings, imports back to the same document`, () => {
      assert.deepEqual(validateDesiredState(doc), []);
      assert.deepEqual(renderKeepalivedConfWithWarnings(doc).warnings, []);
      const back = roundTrip(doc);
      assert.deepEqual(back.diagnostics, []);
      assert.deepEqual(back.document, doc);
    });
  }

  test('a notify-only instance: valid, no virtual_ipaddress block, imports back the same', () => {
    assert.deepEqual(validateDesiredState(notifyOnlyDoc), []);
    const rendered = renderKeepalivedConfWithWarnings(notifyOnlyDoc);
    assert.deepEqual(rendered.warnings, []);
    assert.doesNotMatch(rendered.text, /virtual_ipaddress/);
    assert.deepEqual(roundTrip(notifyOnlyDoc).document, notifyOnlyDoc);
  });

  test('excluded VIPs are written as virtual_ipaddress_excluded', () => {
    assert.match(
      renderKeepalivedConf(excludedDoc),
      /virtual_ipaddress_excluded \{\n {8}192\.0\.2\.71\/32\n {8}2001:db8::71\/64\n {4}\}/,
    );
  });

  test('output is deterministic and starts with the generated-by header', () => {
    const text = renderKeepalivedConf(vrrpDoc);
    assert.equal(renderKeepalivedConf(structuredClone(vrrpDoc)), text);
    assert.match(
      text,
      /^# Generated by fleetlb from site ams1, director lb1 \(192\.0\.2\.2\), revision 1\.\n/,
    );
  });

  test('values that need it are quoted; instances share one vrrp_script', () => {
    const text = renderKeepalivedConf(vrrpDoc);
    assert.match(text, /auth_pass "p w#1!"/);
    assert.match(text, /script "\/bin\/true --probe uplink#1"/);
    assert.equal(text.match(/vrrp_script /g)?.length, 1);
    assert.match(renderKeepalivedConf(lvsDoc), /path "\/health check#1"/);
  });

  test('scripts say who they run as: user lines, notify USER GROUP, one enable_script_security', () => {
    const doc = structuredClone(notifyOnlyDoc);
    const inst = doc.vrrpInstances[0]!;
    inst.notify = {
      ...inst.notify,
      backup: '/bin/true',
      runAs: { master: NOBODY, backup: { user: 'daemon', requireSafePath: false } },
    };
    inst.trackedChecks = [
      TrackedCheck.parse({
        ...script('chk', 0),
        runAs: { requireSafePath: true },
      }),
    ];
    const rendered = renderKeepalivedConfWithWarnings(doc);
    assert.match(rendered.text, /notify_master "\/bin\/true attach" nobody nogroup\n/);
    assert.match(rendered.text, /notify_backup "\/bin\/true" daemon\n/);
    assert.doesNotMatch(rendered.text, /user /); // keepalived's default user: no line
    assert.match(rendered.text, /enable_script_security/);
    // The daemon hook does not ask for the check, but keepalived checks every script.
    assert.deepEqual(
      rendered.warnings.map((w) => w.path.join('.')),
      ['vrrpInstances.0.notify.backup.runAs'],
    );
    const back = roundTrip(doc).document;
    assert.deepEqual(back?.vrrpInstances[0]?.notify.runAs, {
      master: NOBODY,
      backup: { user: 'daemon', requireSafePath: true },
    });
    assert.deepEqual(back?.vrrpInstances[0]?.trackedChecks, doc.vrrpInstances[0]?.trackedChecks);
  });

  test('global_defs: router_id from the director, shared version, GARP interval, script security', () => {
    const text = renderKeepalivedConf(vrrpDoc);
    for (const line of [
      'router_id lb1',
      'vrrp_version 2',
      'vrrp_garp_interval 0.02',
      'enable_script_security',
    ])
      assert.ok(text.includes(`\n    ${line}\n`), line);
    assert.ok(!renderKeepalivedConf(versionsDoc).includes('vrrp_version'));
    assert.match(renderKeepalivedConf(versionsDoc), /advert_int 0\.05\n {4}version 3\n/);
  });
});

describe('what keepalived cannot carry is reported, with the path into the document', () => {
  const fixture = new URL('../../contract/fixtures/director-ipv4-nat.json', import.meta.url);
  const doc = DesiredState.parse(JSON.parse(readFileSync(fixture, 'utf8')));
  const warnings = renderKeepalivedConfWithWarnings(doc).warnings;
  const expected = [
    { path: ['vrrpInstances', 0, 'trackedChecks', 2], kind: 'unsupported' },
    { path: ['virtualServers', 0, 'vrrpInstance'], kind: 'unsupported' },
    { path: ['virtualServers', 0, 'realServers', 2, 'checks', 0, 'method'], kind: 'unsupported' },
    { path: ['virtualServers', 0, 'realServers', 0, 'checks', 0, 'rise'], kind: 'unsupported' },
    { path: ['virtualServers', 0, 'name'], kind: 'normalized' },
    { path: ['vrrpInstances', 0, 'syncGroup'], kind: 'normalized' },
  ];
  for (const want of expected) {
    test(`${want.kind}: ${want.path.join('.')}`, () => {
      const found = warnings.find((w) => JSON.stringify(w.path) === JSON.stringify(want.path));
      assert.equal(found?.kind, want.kind);
      assert.ok(found.message.length > 0);
    });
  }
  test('the text is still written, and the lost parts come back different', () => {
    const back = roundTrip(doc).document;
    assert.equal(back?.virtualServers[0]?.name, '192.0.2.10-80');
    assert.equal(back.virtualServers[0].vrrpInstance, undefined);
    assert.equal(back.vrrpInstances[0]?.trackedChecks.length, 2);
  });
});

describe(
  'Debian samples: import → export → import gives the same document',
  { skip: prerequisite(existsSync(SAMPLES), `${SAMPLES} is missing (apt-get install keepalived)`) },
  () => {
    const names = existsSync(SAMPLES)
      ? readdirSync(SAMPLES)
          .filter((n) => n.startsWith('keepalived.conf.'))
          .sort()
      : [];
    const options = {
      site: 'lab',
      director: { name: 'lb1', address: '198.51.100.1' },
      revision: 7,
    };
    for (const name of names) {
      test(name, () => {
        const first = toDesiredState(
          parseKeepalivedConf(readFileSync(`${SAMPLES}/${name}`, 'utf8'), name).config,
          options,
        );
        assert.ok(first.document, 'the sample maps');
        assert.deepEqual(renderKeepalivedConfWithWarnings(first.document).warnings, []);
        assert.deepEqual(roundTrip(first.document), { document: first.document, diagnostics: [] });
      });
    }
  },
);

describe(
  'keepalived -t accepts the output',
  { skip: prerequisite(hasKeepalived, 'keepalived is not installed (apt-get install keepalived)') },
  () => {
    for (const [name, doc] of Object.entries(HAND_WRITTEN)) {
      test(name, () => {
        const result = keepalivedConfigTest(renderKeepalivedConf(doc));
        assert.deepEqual(result, { status: 0, output: '' });
      });
    }

    test('notifyOnlyDoc: keepalived warns about the missing VIP only', () => {
      const result = keepalivedConfigTest(renderKeepalivedConf(notifyOnlyDoc));
      assert.deepEqual(
        [...new Set(result.output.trim().split('\n'))],
        ['(vi-eni) No VIP specified; at least one is sensible'],
      );
    });

    test('and rejects a broken file (the check can fail)', () => {
      assert.notEqual(keepalivedConfigTest('vrrp_instance x {\n  bogus_keyword 1\n}\n').status, 0);
    });
  },
);
