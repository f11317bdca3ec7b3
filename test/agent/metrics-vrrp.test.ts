/**
 * agent/metrics/vrrp-metrics.ts: the state set always exports every state with exactly one at 1,
 * counters start at 0 for every configured instance, transitions and drops are counted with
 * closed labels, and an instance that leaves the document loses all its series.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { natDocument, samples } from '../support/metrics-fixture.js';
import type { DirectorVrrpInstance } from '../../contract/vrrp-instance.js';
import { VrrpMetrics } from '../../agent/metrics/vrrp-metrics.js';
import { advertErrorReason } from '../../agent/metrics/vrrp-labels.js';
import { VRRP_DROP_REASONS } from '../../agent/core/vrrp/types.js';

const document = natDocument;
const base = document.vrrpInstances[0] as DirectorVrrpInstance;
const other: DirectorVrrpInstance = { ...base, name: 'vi-db', vrid: 52 };

function setup() {
  const registry = new Registry();
  const metrics = new VrrpMetrics(registry);
  metrics.syncInstances([base, other], 1_700_000_000_000);
  return { registry, metrics };
}

const id = (name: string, vrid: number) => `vrrp_instance="${name}",vrid="${vrid}"`;

test('new instances: state init, every counter at 0, priorities from config', async () => {
  const { registry } = setup();
  const s = await samples(registry);
  for (const [name, vrid] of [
    ['vi-web', 51],
    ['vi-db', 52],
  ] as const) {
    const l = id(name, vrid);
    assert.equal(s.get(`fleetlb_vrrp_state{${l},state="init"}`), 1);
    for (const st of ['backup', 'master', 'fault']) {
      assert.equal(s.get(`fleetlb_vrrp_state{${l},state="${st}"}`), 0);
    }
    for (const to of ['backup', 'master', 'fault']) {
      assert.equal(s.get(`fleetlb_vrrp_transitions_total{${l},to="${to}"}`), 0);
    }
    for (const reason of ['auth', 'ttl', 'interval', 'length', 'address_list', 'invalid_type']) {
      assert.equal(s.get(`fleetlb_vrrp_advert_errors_total{${l},reason="${reason}"}`), 0);
    }
    assert.equal(s.get(`fleetlb_vrrp_adverts_sent_total{${l}}`), 0);
    assert.equal(s.get(`fleetlb_vrrp_adverts_received_total{${l}}`), 0);
    assert.equal(s.get(`fleetlb_vrrp_base_priority{${l}}`), 150);
    assert.equal(s.get(`fleetlb_vrrp_priority{${l}}`), 150);
    assert.equal(s.get(`fleetlb_vrrp_last_transition_timestamp_seconds{${l}}`), 1_700_000_000);
    assert.equal(s.get(`fleetlb_vip_garp_sent_total{vrrp_instance="${name}"}`), 0);
    assert.equal(s.get(`fleetlb_vip_owned{vip="192.0.2.10",vrrp_instance="${name}"}`), 0);
  }
});

test('transitions move the state set, count by target and stamp the wall time', async () => {
  const { registry, metrics } = setup();
  const t = { instance: 'vi-web', reason: 'master-down-timer', at: 5 } as const;
  metrics.transition({ ...t, from: 'initialize', to: 'backup', priority: 150 }, 1_700_000_010_000);
  metrics.transition({ ...t, from: 'backup', to: 'master', priority: 140 }, 1_700_000_020_500);
  metrics.transition({
    ...t,
    instance: 'not-configured',
    from: 'backup',
    to: 'master',
    priority: 1,
  });
  const s = await samples(registry);
  const l = id('vi-web', 51);
  const states = ['init', 'backup', 'master', 'fault'].map((st) =>
    s.get(`fleetlb_vrrp_state{${l},state="${st}"}`),
  );
  assert.deepEqual(states, [0, 0, 1, 0]);
  assert.equal(s.get(`fleetlb_vrrp_transitions_total{${l},to="backup"}`), 1);
  assert.equal(s.get(`fleetlb_vrrp_transitions_total{${l},to="master"}`), 1);
  assert.equal(s.get(`fleetlb_vrrp_transitions_total{${l},to="fault"}`), 0);
  assert.equal(s.get(`fleetlb_vrrp_last_transition_timestamp_seconds{${l}}`), 1_700_000_020.5);
  assert.equal(s.get(`fleetlb_vrrp_priority{${l}}`), 140);
  assert.ok(![...s.keys()].some((k) => k.includes('not-configured')));
});

test('adverts, drops, VIP ownership and GARPs are counted on closed labels', async () => {
  const { registry, metrics } = setup();
  metrics.advertSent('vi-web');
  metrics.advertSent('vi-web');
  metrics.advertReceived('vi-web', 3);
  for (const reason of VRRP_DROP_REASONS) metrics.advertDropped('vi-web', reason);
  metrics.setVipOwned('vi-web', '192.0.2.10', true);
  metrics.setVipOwned('vi-web', '203.0.113.99', true);
  metrics.garpSent('vi-web', 5);
  const s = await samples(registry);
  const l = id('vi-web', 51);
  assert.equal(s.get(`fleetlb_vrrp_adverts_sent_total{${l}}`), 2);
  assert.equal(s.get(`fleetlb_vrrp_adverts_received_total{${l}}`), 3);
  const expected = new Map<string, number>();
  for (const r of VRRP_DROP_REASONS) {
    expected.set(advertErrorReason(r), (expected.get(advertErrorReason(r)) ?? 0) + 1);
  }
  assert.deepEqual(Object.fromEntries(expected), {
    length: 1,
    ttl: 1,
    invalid_type: 2,
    other: 2,
    address_list: 2,
    interval: 1,
    auth: 1,
  });
  for (const [reason, n] of expected) {
    assert.equal(s.get(`fleetlb_vrrp_advert_errors_total{${l},reason="${reason}"}`), n);
  }
  assert.equal(s.get('fleetlb_vip_owned{vip="192.0.2.10",vrrp_instance="vi-web"}'), 1);
  assert.ok(![...s.keys()].some((k) => k.includes('203.0.113.99')), 'VIP not in config');
  assert.equal(s.get('fleetlb_vip_garp_sent_total{vrrp_instance="vi-web"}'), 5);
});

test('an instance leaving the document loses every series; changed VIPs follow', async () => {
  const { registry, metrics } = setup();
  metrics.advertSent('vi-db');
  metrics.syncInstances([{ ...base, vips: [{ address: '192.0.2.12' }] }]);
  const s = await samples(registry);
  assert.ok(![...s.keys()].some((k) => k.includes('vi-db')));
  assert.ok(![...s.keys()].some((k) => k.includes('192.0.2.10')));
  assert.equal(s.get('fleetlb_vip_owned{vip="192.0.2.12",vrrp_instance="vi-web"}'), 0);
  assert.equal(s.get(`fleetlb_vrrp_state{${id('vi-web', 51)},state="init"}`), 1);
});
