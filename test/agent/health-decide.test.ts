/**
 * agent/core/health/decide: the IPVS destinations of a virtual server from real-server health,
 * admin state, weights (misc_dynamic overrides), inhibitOnFailure, quorum with hysteresis and the
 * sorry server (keepalived ipwrapper.c behaviour; see the module's doc for fleetlb's deviations).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { RealServerSpec } from '../../contract/virtual-server.js';
import { decideVirtualServer } from '../../agent/core/health/decide.js';
import type { DecideVirtualServer, RealServerHealth } from '../../agent/core/health/decide.js';

function rs(name: string, extra: Partial<RealServerSpec> = {}): RealServerSpec {
  return {
    name,
    labels: {},
    address: `192.0.2.${name.slice(1)}`,
    port: 80,
    weight: 10,
    adminState: 'enabled',
    upperThreshold: 0,
    lowerThreshold: 0,
    checks: [],
    ...extra,
  };
}

function vs(realServers: RealServerSpec[], extra: Partial<DecideVirtualServer> = {}) {
  return {
    forwarding: 'nat' as const,
    quorum: 1,
    hysteresis: 0,
    inhibitOnFailure: false,
    realServers,
    ...extra,
  };
}

const weights = (d: { destinations: { address: string; weight: number }[] }) =>
  Object.fromEntries(d.destinations.map((x) => [x.address, x.weight]));

describe('decideVirtualServer', () => {
  const health = new Map<string, RealServerHealth>([
    ['r1', { up: true }],
    ['r2', { up: false }],
    ['r3', { up: true, weightOverride: 4 }],
    ['r4', { up: false }],
    ['r5', { up: true }],
  ]);
  const servers = [
    rs('r1'),
    rs('r2'),
    rs('r3'),
    rs('r4', { adminState: 'draining' }),
    rs('r5', { adminState: 'disabled' }),
  ];
  test('enabled&up → weight (dynamic override), down → absent, draining → 0, disabled → absent', () => {
    const d = decideVirtualServer(vs(servers), health, true);
    assert.deepEqual(weights(d), { '192.0.2.1': 10, '192.0.2.3': 4, '192.0.2.4': 0 });
    assert.equal(d.healthyWeight, 14);
    assert.equal(d.healthyServers, 2);
  });
  test('inhibitOnFailure keeps a down server at weight 0', () => {
    const d = decideVirtualServer(vs(servers, { inhibitOnFailure: true }), health, true);
    assert.deepEqual(weights(d), {
      '192.0.2.1': 10,
      '192.0.2.2': 0,
      '192.0.2.3': 4,
      '192.0.2.4': 0,
    });
  });
  test('a server without health information is up (no checks = always up)', () => {
    assert.deepEqual(weights(decideVirtualServer(vs([rs('r9')]), new Map(), true)), {
      '192.0.2.9': 10,
    });
  });
  test('the real server forwarding overrides the virtual server forwarding', () => {
    const d = decideVirtualServer(vs([rs('r1', { forwarding: 'dr' })]), new Map(), true);
    assert.equal(d.destinations[0]?.forwarding, 'dr');
  });
  const sorryServer = { address: '198.51.100.9', port: 8080 };
  test('below quorum with a sorry server: only the sorry server plus weight-0 servers', () => {
    const d = decideVirtualServer(vs(servers, { quorum: 20, sorryServer }), health, true);
    assert.equal(d.quorumUp, false);
    assert.deepEqual(weights(d), { '192.0.2.4': 0, '198.51.100.9': 1 });
    assert.equal(d.destinations.at(-1)?.forwarding, 'nat');
  });
  test('below quorum without a sorry server: destinations unchanged', () => {
    const d = decideVirtualServer(vs(servers, { quorum: 20 }), health, true);
    assert.equal(d.quorumUp, false);
    assert.deepEqual(weights(d), { '192.0.2.1': 10, '192.0.2.3': 4, '192.0.2.4': 0 });
  });
  test('quorum hysteresis holds the sorry server until quorum + hysteresis', () => {
    const v = vs([rs('r1'), rs('r2')], { quorum: 15, hysteresis: 5, sorryServer });
    const one = new Map([
      ['r1', { up: true }],
      ['r2', { up: false }],
    ]);
    const both = new Map([
      ['r1', { up: true }],
      ['r2', { up: true }],
    ]);
    assert.equal(decideVirtualServer(v, one, true).quorumUp, true); // 10 ≥ 15−5
    const down = decideVirtualServer(
      v,
      new Map([
        ['r1', { up: false }],
        ['r2', { up: false }],
      ]),
      true,
    );
    assert.equal(down.quorumUp, false);
    assert.equal(decideVirtualServer(v, one, false).quorumUp, false); // 10 < 20
    const back = decideVirtualServer(v, both, false);
    assert.equal(back.quorumUp, true);
    assert.deepEqual(weights(back), { '192.0.2.1': 10, '192.0.2.2': 10 });
  });
  test('property: disabled servers never appear and installed weights are ≤ 65535', () => {
    const states = fc.constantFrom('enabled' as const, 'draining' as const, 'disabled' as const);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(states, fc.boolean(), fc.integer({ min: 0, max: 65535 })), {
          maxLength: 12,
        }),
        fc.boolean(),
        (specs, inhibit) => {
          const list = specs.map(([adminState, , weight], i) =>
            rs(`r${i + 1}`, { adminState, weight }),
          );
          const h = new Map(specs.map(([, up], i) => [`r${i + 1}`, { up }]));
          const d = decideVirtualServer(
            vs(list, { inhibitOnFailure: inhibit, quorum: 0 }),
            h,
            true,
          );
          for (const dest of d.destinations) {
            const spec = list.find((x) => x.address === dest.address);
            assert.notEqual(spec?.adminState, 'disabled');
            assert.ok(dest.weight >= 0 && dest.weight <= 65535);
          }
        },
      ),
    );
  });
});
