/**
 * agent/metrics/ipvs-metrics.ts and delta-counter.ts: kernel totals become counters fed by deltas
 * that never go backwards (100 → 150 → 20 → 50 gives 200), kernel entries are named through the
 * document (others are not exported), and a virtual server leaving the document loses its series.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { natDocument, samples } from '../support/metrics-fixture.js';
import type { DirectorVirtualServer } from '../../contract/virtual-server.js';
import { IpvsMetrics } from '../../agent/metrics/ipvs-metrics.js';
import {
  ZERO_STATS,
  type IpvsStats,
  type ObservedDestination,
  type ObservedService,
} from '../../agent/core/ipvs/model.js';

const document = natDocument;
const [web, https] = document.virtualServers as [DirectorVirtualServer, DirectorVirtualServer];

const stats = (n: bigint): IpvsStats => ({
  ...ZERO_STATS,
  connections: n,
  inBytes: n * 1000n,
  outBytes: n * 10n,
  inPackets: n * 7n,
  outPackets: n * 3n,
});

function destination(address: string, port: number, total: bigint): ObservedDestination {
  return {
    ...{ address, port, forwarding: 'nat', weight: 3, upperThreshold: 0, lowerThreshold: 0 },
    ...{ activeConnections: 4, inactiveConnections: 9, persistentConnections: 0 },
    stats: stats(total),
  };
}

function service(total: bigint, extra: ObservedDestination[] = []): ObservedService {
  return {
    ...{ family: 'ipv4', protocol: 'tcp', address: '192.0.2.10', port: 80 },
    ...{ scheduler: 'wlc', schedulerFlags: [], persistenceTimeoutS: 0 },
    ...{ persistenceNetmaskBits: 32, onePacket: false },
    destinations: [destination('198.51.100.11', 8080, total), ...extra],
    stats: stats(total),
  };
}

const VS = 'virtual_server="web-http"';
const RS = `${VS},real_server="web-1"`;

test('configured objects start at 0 and info carries the configuration', async () => {
  const registry = new Registry();
  new IpvsMetrics(registry).syncDocument([web, https]);
  const s = await samples(registry);
  for (const vs of ['web-http', 'web-https-sticky']) {
    assert.equal(s.get(`fleetlb_ipvs_virtual_server_connections_total{virtual_server="${vs}"}`), 0);
  }
  for (const rs of ['web-1', 'web-2', 'web-3']) {
    const l = `${VS},real_server="${rs}"`;
    assert.equal(s.get(`fleetlb_ipvs_real_server_connections_total{${l}}`), 0);
    assert.equal(s.get(`fleetlb_ipvs_real_server_incoming_bytes_total{${l}}`), 0);
    assert.equal(s.get(`fleetlb_ipvs_real_server_weight{${l}}`), 0);
  }
  const info = [...s.keys()].find((k) => k.startsWith('fleetlb_virtual_server_info{' + VS));
  assert.equal(
    info,
    'fleetlb_virtual_server_info{virtual_server="web-http",vip="192.0.2.10",port="80",' +
      'protocol="tcp",scheduler="wlc",forwarding="nat",vrrp_instance="vi-web"}',
  );
});

test('deltas: 100 → 150 → 20 (re-created) → 50 counts 100+50+20+30 = 200', async () => {
  const registry = new Registry();
  const metrics = new IpvsMetrics(registry);
  metrics.syncDocument([web]);
  const seen: number[] = [];
  for (const total of [100n, 150n, 20n, 50n]) {
    metrics.observe([service(total)]);
    const s = await samples(registry);
    seen.push(s.get(`fleetlb_ipvs_virtual_server_connections_total{${VS}}`) ?? NaN);
  }
  assert.deepEqual(seen, [100, 150, 170, 200], 'monotonic at every step');
  const s = await samples(registry);
  assert.equal(s.get(`fleetlb_ipvs_real_server_connections_total{${RS}}`), 200);
  assert.equal(s.get(`fleetlb_ipvs_virtual_server_incoming_bytes_total{${VS}}`), 200_000);
  assert.equal(s.get(`fleetlb_ipvs_virtual_server_outgoing_packets_total{${VS}}`), 600);
  assert.equal(s.get(`fleetlb_ipvs_real_server_active_connections{${RS}}`), 4);
  assert.equal(s.get(`fleetlb_ipvs_real_server_inactive_connections{${RS}}`), 9);
  assert.equal(s.get(`fleetlb_ipvs_real_server_weight{${RS}}`), 3);
});

test('an entry absent from a listing counts from 0 when it comes back', async () => {
  const registry = new Registry();
  const metrics = new IpvsMetrics(registry);
  metrics.syncDocument([web]);
  metrics.observe([service(100n)]);
  metrics.observe([]);
  metrics.observe([service(160n)]);
  const s = await samples(registry);
  assert.equal(s.get(`fleetlb_ipvs_virtual_server_connections_total{${VS}}`), 260);
  assert.equal(s.get(`fleetlb_ipvs_real_server_weight{${RS}}`), 3);
});

test('kernel entries the document does not name are not exported', async () => {
  const registry = new Registry();
  const metrics = new IpvsMetrics(registry);
  metrics.syncDocument([web]);
  const foreign = { ...service(7n), address: '203.0.113.1' };
  metrics.observe([service(10n, [destination('198.51.100.99', 80, 5n)]), foreign]);
  const text = await registry.metrics();
  assert.doesNotMatch(text, /203\.0\.113\.1|198\.51\.100\.99/);
  for (const line of text.split('\n').filter((l) => l.startsWith('fleetlb_ipvs_real_server_'))) {
    assert.match(line, /real_server="web-[123]"/);
  }
});

test('a virtual server leaving the document loses all its series', async () => {
  const registry = new Registry();
  const metrics = new IpvsMetrics(registry);
  metrics.syncDocument([web, https]);
  metrics.observe([service(10n)]);
  metrics.syncDocument([https]);
  const text = await registry.metrics();
  assert.doesNotMatch(text, /web-http"/);
  assert.match(text, /virtual_server="web-https-sticky"/);
  metrics.syncDocument([web, https]);
  const s = await samples(registry);
  assert.equal(s.get(`fleetlb_ipvs_virtual_server_connections_total{${VS}}`), 0, 'back at 0');
});

test('a real server leaving the document loses its series; its siblings keep theirs', async () => {
  const registry = new Registry();
  const metrics = new IpvsMetrics(registry);
  metrics.syncDocument([web]);
  metrics.observe([service(10n)]);
  metrics.syncDocument([{ ...web, realServers: web.realServers.slice(1) }]);
  const s = await samples(registry);
  assert.ok(![...s.keys()].some((k) => k.includes('web-1')));
  assert.equal(s.get(`fleetlb_ipvs_real_server_connections_total{${VS},real_server="web-2"}`), 0);
  assert.equal(s.get(`fleetlb_ipvs_virtual_server_connections_total{${VS}}`), 10);
});

test('per-real-server byte counters can be turned off', async () => {
  const registry = new Registry();
  new IpvsMetrics(registry, { perRealServerBytes: false }).syncDocument([web]);
  const text = await registry.metrics();
  assert.doesNotMatch(text, /fleetlb_ipvs_real_server_(incoming|outgoing)_bytes_total/);
  assert.match(text, /fleetlb_ipvs_real_server_connections_total/);
});

test('a virtual server moved to a new address keeps its counter; the new entry counts from 0', async () => {
  const registry = new Registry();
  const metrics = new IpvsMetrics(registry);
  metrics.syncDocument([web]);
  metrics.observe([service(100n)]);
  metrics.syncDocument([{ ...web, address: '192.0.2.99' }]);
  metrics.observe([{ ...service(130n), address: '192.0.2.99' }]);
  const s = await samples(registry);
  assert.equal(s.get(`fleetlb_ipvs_virtual_server_connections_total{${VS}}`), 230);
  assert.equal(s.get(`fleetlb_ipvs_real_server_connections_total{${RS}}`), 230);
  const info = [...s.keys()].filter((k) => k.startsWith('fleetlb_virtual_server_info{'));
  assert.equal(info.length, 1);
  assert.match(info[0] ?? '', /vip="192\.0\.2\.99"/);
});
