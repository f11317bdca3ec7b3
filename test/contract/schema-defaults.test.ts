/** Defaults of the contract's zod schemas, and how DesiredState treats fields it does not know. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseDesiredState,
  AgentStatus,
  CheckTiming,
  DesiredState,
  GarpSettings,
  HealthCheck,
  RealServerSpec,
  TrackedCheck,
  VirtualServerSpec,
  VrrpInstanceSpec,
} from '../../contract/index.js';
import { desiredState, instance, realServer, virtualServer, type Json } from './builders.js';

/** A virtual server as the API takes it: its real servers are a sub-collection. */
const vsSpec = (over: Json = {}): Json => {
  const { realServers: _realServers, ...spec } = virtualServer(over);
  return spec;
};

const vrrp = (over: Json) => ({
  ...instance(),
  members: [{ director: 'lb1', priority: 100 }],
  ...over,
});

describe('health checks (discriminated on type)', () => {
  const defaults: [string, object][] = [
    ['http', { type: 'http', method: 'GET', path: '/', expectStatus: [200] }],
    ['https', { type: 'https', method: 'GET', path: '/', expectStatus: [200], tlsVerify: true }],
    ['tcp', { type: 'tcp' }],
    ['udp', { type: 'udp', payloadHex: '' }],
    ['dns', { type: 'dns', queryName: '.', queryType: 'SOA' }],
  ];
  for (const [type, expected] of defaults)
    test(`${type} defaults`, () => assert.deepEqual(HealthCheck.parse({ type }), expected));

  test('script defaults; the path is required', () => {
    assert.deepEqual(HealthCheck.parse({ type: 'script', path: '/usr/bin/check' }), {
      type: 'script',
      path: '/usr/bin/check',
      args: [],
      dynamicWeight: false,
    });
    assert.ok(!HealthCheck.safeParse({ type: 'script' }).success);
  });

  test('timing left unset stays unset, so the virtual server checkDefaults can apply', () => {
    assert.deepEqual(HealthCheck.parse({ type: 'tcp', rise: 4 }), { type: 'tcp', rise: 4 });
    assert.deepEqual(CheckTiming.parse({}), {
      intervalMs: 5000,
      timeoutMs: 3000,
      rise: 2,
      fall: 3,
    });
    assert.deepEqual(VirtualServerSpec.parse(vsSpec()).checkDefaults, {});
    assert.deepEqual(
      VirtualServerSpec.parse(vsSpec({ checkDefaults: { fall: 5 } })).checkDefaults,
      { fall: 5 },
    );
  });

  test('rejects unknown types and bad fields', () => {
    for (const bad of [
      { type: 'icmp' },
      {},
      { type: 'http', path: 'healthz' },
      { type: 'http', expectStatus: [] },
      { type: 'http', expectStatus: [600] },
      { type: 'http', method: 'POST' },
      { type: 'http', bodyDigest: 'ABCDEF' },
      { type: 'udp', payloadHex: 'abc' },
      { type: 'udp', expectHex: '' },
      { type: 'dns', queryType: 'ANY' },
    ])
      assert.ok(!HealthCheck.safeParse(bad).success, JSON.stringify(bad));
  });

  test('tracked check defaults per type', () => {
    assert.deepEqual(TrackedCheck.parse({ type: 'script', name: 'chk', path: '/bin/true' }), {
      type: 'script',
      name: 'chk',
      path: '/bin/true',
      args: [],
      intervalMs: 2000,
      timeoutMs: 2000,
      rise: 1,
      fall: 1,
      weight: 0,
    });
    assert.deepEqual(TrackedCheck.parse({ type: 'interface', name: 'trk', interface: 'eth1' }), {
      type: 'interface',
      name: 'trk',
      interface: 'eth1',
      weight: 0,
    });
    assert.deepEqual(
      TrackedCheck.parse({ type: 'virtual-server', name: 'trk', virtualServer: 'web' }),
      {
        type: 'virtual-server',
        name: 'trk',
        virtualServer: 'web',
        weight: 0,
        condition: 'below-quorum',
      },
    );
  });
});

describe('defaults of instances and virtual servers', () => {
  test('a VRRP instance defaults to VRRPv3, 1 s adverts, preempt, accept (keepalived), multicast', () => {
    const parsed = VrrpInstanceSpec.parse(vrrp({}));
    assert.equal(parsed.version, 3);
    assert.equal(parsed.advertIntervalCs, 100);
    assert.equal(parsed.preempt, true);
    assert.equal(parsed.acceptMode, true);
    assert.equal(parsed.v3ChecksumAsV2, false);
    assert.equal(parsed.unicast, false);
    assert.deepEqual(parsed.labels, {});
    assert.deepEqual(parsed.trackedChecks, []);
    assert.deepEqual(parsed.notify, {});
  });

  test("the instance's garp default equals GarpSettings' own defaults", () => {
    assert.deepEqual(VrrpInstanceSpec.parse(vrrp({})).garp, GarpSettings.parse({}));
  });

  test('a virtual server defaults to wlc, NAT, quorum 1', () => {
    const parsed = VirtualServerSpec.parse(vsSpec());
    assert.equal(parsed.scheduler, 'wlc');
    assert.equal(parsed.forwarding, 'nat');
    assert.equal(parsed.quorum, 1);
    assert.equal(parsed.hysteresis, 0);
    assert.equal(parsed.inhibitOnFailure, false);
    assert.deepEqual(parsed.schedulerFlags, []);
  });

  test('a real server defaults to weight 1, enabled, no thresholds, no checks', () => {
    assert.deepEqual(RealServerSpec.parse(realServer({})), {
      name: 'web-1',
      labels: {},
      address: '198.51.100.11',
      port: 8080,
      weight: 1,
      adminState: 'enabled',
      upperThreshold: 0,
      lowerThreshold: 0,
      checks: [],
    });
  });
});

describe('DesiredState compatibility', () => {
  test('a reader skips unknown fields at every level and lists them; the schema refuses them', () => {
    const doc = desiredState({
      virtualServers: [virtualServer({ realServers: [realServer({ checks: [{ type: 'tcp' }] })] })],
    });
    assert.equal(doc.virtualServers[0]?.realServers[0]?.checks.length, 1);
    const newer = structuredClone(doc) as unknown as Record<string, unknown> & typeof doc;
    Object.assign(newer, { futureTopLevel: { x: 1 } });
    Object.assign(newer.director, { zone: 'a' });
    Object.assign(newer.vrrpInstances[0] ?? {}, { bfd: true });
    Object.assign(newer.virtualServers[0]?.realServers[0] ?? {}, { tls: 'on' });
    Object.assign(newer.virtualServers[0]?.realServers[0]?.checks[0] ?? {}, {
      futureProbeOption: 1,
    });
    const read = parseDesiredState(newer);
    assert.ok(read.success);
    assert.deepEqual(read.data, doc);
    assert.deepEqual(read.ignored.map((p) => p.join('.')).sort(), [
      'director.zone',
      'futureTopLevel',
      'virtualServers.0.realServers.0.checks.0.futureProbeOption',
      'virtualServers.0.realServers.0.tls',
      'vrrpInstances.0.bfd',
    ]);
    assert.ok(!DesiredState.safeParse(newer).success);
  });

  test('a tolerant reader still refuses what is wrong, not only unknown', () => {
    const doc = desiredState();
    const read = parseDesiredState({ ...doc, revision: -1, extra: 1 });
    assert.ok(!read.success);
    assert.deepEqual(read.ignored, [['extra']]);
  });

  test('apiVersion and kind are fixed', () => {
    const doc = desiredState();
    assert.ok(!DesiredState.safeParse({ ...doc, apiVersion: 'fleetlb/v2' }).success);
    assert.ok(!DesiredState.safeParse({ ...doc, kind: 'SiteConfig' }).success);
    assert.ok(!DesiredState.safeParse({ ...doc, revision: -1 }).success);
  });

  test('a director virtual server carries its family', () => {
    const { family: _family, ...rest } =
      desiredState({ virtualServers: [virtualServer()] }).virtualServers[0] ?? {};
    assert.ok(!DesiredState.safeParse({ ...desiredState(), virtualServers: [rest] }).success);
  });
});

describe('AgentStatus', () => {
  test('a minimal report gets empty lists', () => {
    const report = {
      appliedRevision: null,
      agent: { version: '0.1.0', startedAt: '2024-05-01T10:00:00Z', ipvsAvailable: true },
    };
    assert.deepEqual(AgentStatus.parse(report), {
      ...report,
      agent: { ...report.agent, state: 'running' },
      vrrp: [],
      transitions: [],
      realServers: [],
      errors: [],
      conditions: [],
    });
  });

  test('VRRP priority 0 (resigning) is allowed in a report', () => {
    const vrrp = [
      { instance: 'vi-web', vrid: 51, state: 'backup', priority: 0, since: '2024-05-01T10:00:00Z' },
    ];
    const report = {
      appliedRevision: 3,
      agent: { version: '0.1.0', startedAt: '2024-05-01T10:00:00Z', ipvsAvailable: true },
      vrrp,
    };
    assert.deepEqual(AgentStatus.parse(report).vrrp[0]?.vipsOwned, []);
  });
});
