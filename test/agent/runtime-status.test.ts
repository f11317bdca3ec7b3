/** @module Status-report pieces of the agent runtime: real-server status, the drain watch, the shared IPVS listing. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ZERO_STATS, type ObservedService } from '../../agent/core/ipvs/model.js';
import { DrainWatch, drainKey } from '../../agent/runtime/drain-watch.js';
import { IpvsObserver } from '../../agent/runtime/ipvs-observer.js';
import { realServerStatus } from '../../agent/runtime/real-server-status.js';
import { VipOwnership } from '../../agent/runtime/vip-ownership.js';
import { desiredState, realServer, virtualServer } from '../contract/builders.js';
import { service } from '../support/ipvs-builders.js';

const check = { type: 'tcp', intervalMs: 1000 };
const document = desiredState({
  virtualServers: [
    virtualServer({
      realServers: [
        realServer({ name: 'web-1', checks: [check] }),
        realServer({ name: 'web-2', address: '198.51.100.12', checks: [check] }),
        realServer({ name: 'web-3', address: '198.51.100.13', adminState: 'draining' }),
      ],
    }),
  ],
});

function observed(): ObservedService[] {
  const dest = (address: string, weight: number, active: number) => ({
    address,
    port: 8080,
    forwarding: 'nat' as const,
    weight,
    upperThreshold: 0,
    lowerThreshold: 0,
    activeConnections: active,
    inactiveConnections: 1,
    persistentConnections: 0,
    stats: { ...ZERO_STATS, connections: 42n },
  });
  const svc = service({ family: 'ipv4', protocol: 'tcp', address: '192.0.2.10', port: 80 });
  return [
    {
      ...svc,
      stats: ZERO_STATS,
      destinations: [dest('198.51.100.11', 1, 3), dest('198.51.100.13', 0, 2)],
    },
  ];
}

describe('realServerStatus', () => {
  test('joins health and kernel counters by IPVS identity; absent from the kernel = weight 0', () => {
    const health = new Map([
      ['web-1', { up: true }],
      ['web-2', { up: false }],
    ]);
    const status = realServerStatus(document, () => health, observed());
    assert.deepEqual(status, [
      {
        virtualServer: 'web-http',
        realServer: 'web-1',
        health: 'up',
        weight: 1,
        activeConnections: 3,
        inactiveConnections: 1,
        connectionsTotal: 42,
      },
      {
        virtualServer: 'web-http',
        realServer: 'web-2',
        health: 'down',
        weight: 0,
        activeConnections: 0,
        inactiveConnections: 0,
        connectionsTotal: 0,
      },
      {
        virtualServer: 'web-http',
        realServer: 'web-3',
        health: 'up',
        weight: 0,
        activeConnections: 2,
        inactiveConnections: 1,
        connectionsTotal: 42,
      },
    ]);
  });

  test('a checked server without a result yet is unknown', () => {
    const status = realServerStatus(document, () => new Map(), []);
    assert.deepEqual(
      status.map((s) => s.health),
      ['unknown', 'unknown', 'up'],
    );
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 10));
  assert.ok(condition(), 'condition not reached in 5 s');
}

describe('DrainWatch', () => {
  test('asks for a report only when draining counts change, and reads nothing while none drains', async () => {
    let draining = true;
    let active = 2;
    let reads = 0;
    let reports = 0;
    const watch = new DrainWatch(
      () => draining,
      () => {
        reads += 1;
        return Promise.resolve([
          {
            ...realServerStatus(document, () => new Map(), observed())[2]!,
            activeConnections: active,
          },
        ]);
      },
      () => (reports += 1),
      10,
    );
    watch.start();
    await until(() => reads >= 3);
    assert.equal(reports, 1, 'the first reading is a change, the next ones are not');
    active = 0;
    await until(() => reports === 2);
    draining = false;
    const before = reads;
    await new Promise((r) => setTimeout(r, 60));
    watch.stop();
    assert.ok(reads <= before + 1, 'at most the reading in flight');
  });

  test('drainKey is order-independent', () => {
    const a = { virtualServer: 'v', realServer: 'a', activeConnections: 1 };
    const b = { virtualServer: 'v', realServer: 'b', activeConnections: 0 };
    const full = (x: typeof a) => ({
      ...x,
      health: 'up' as const,
      weight: 0,
      inactiveConnections: 0,
      connectionsTotal: 0,
    });
    assert.equal(drainKey([full(a), full(b)]), drainKey([full(b), full(a)]));
  });
});

describe('IpvsObserver', () => {
  test('one listing serves callers within maxAgeMs; concurrent callers share the dump', async () => {
    let lists = 0;
    let nowMs = 0;
    const client = {
      list: (options?: { stats?: boolean }) => {
        assert.equal(options?.stats, true);
        lists += 1;
        return Promise.resolve({ services: observed(), unreadable: [] });
      },
    };
    const observer = new IpvsObserver(client, 1000, () => nowMs);
    await Promise.all([observer.services(), observer.services()]);
    assert.equal(lists, 1);
    nowMs = 999;
    await observer.services();
    assert.equal(lists, 1);
    nowMs = 1000;
    await observer.services();
    assert.equal(lists, 2);
  });
});

describe('VipOwnership', () => {
  test('notifications and dumps set the VIP gauges of the instances that carry them', () => {
    const calls: [string, string, boolean][] = [];
    const owned = new VipOwnership((instance, vip, value) => calls.push([instance, vip, value]));
    const doc = desiredState({
      instances: [
        { name: 'a', vrid: 1, interface: 'eth0', vips: [{ address: '2001:DB8::0:1' }] },
        { name: 'b', vrid: 2, interface: 'eth0', vips: [{ address: '192.0.2.10' }] },
      ],
    });
    owned.follow(doc.vrrpInstances);
    owned.addressChanged({ kind: 'new', address: '2001:db8::1' });
    owned.addressChanged({ kind: 'del', address: '198.51.100.1' });
    owned.resync([{ address: '192.0.2.10' }]);
    assert.deepEqual(calls, [
      ['a', '2001:db8::1', true],
      ['a', '2001:db8::1', false],
      ['b', '192.0.2.10', true],
    ]);
  });
});
