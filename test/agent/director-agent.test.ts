/**
 * agent/runtime/director-agent.ts: applying a document updates VRRP, hands the reconcile loop the
 * table that health and admin states decide, decides again at every health change; without
 * IPVS it applies the document all the same (VRRP, health decisions for tracked checks) and
 * reports each virtual server as an `ipvs-unavailable` condition.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DesiredState } from '../../contract/desired-state.js';
import { DirectorAgent, type HealthSource } from '../../agent/runtime/director-agent.js';
import type { RealServerHealth } from '../../agent/core/health/decide.js';
import type { DesiredService, IpvsTable } from '../../agent/core/ipvs/model.js';

const document = DesiredState.parse(
  JSON.parse(
    readFileSync(
      new URL('../../contract/fixtures/director-ipv4-nat.json', import.meta.url),
      'utf8',
    ),
  ),
);

function harness(ipvs = true, onQuorumChange?: (vs: string, up: boolean) => void) {
  const tables: IpvsTable<DesiredService>[] = [];
  const vrrp: string[][] = [];
  const vsHealth = new Map<string, { allDown: boolean; belowQuorum: boolean }>();
  const down = new Set<string>();
  const health: HealthSource = {
    update: () => undefined,
    healthOf: (vs) => {
      const map = new Map<string, RealServerHealth>();
      for (const key of down) {
        const [v, rs] = key.split('/');
        if (v === vs) map.set(rs!, { up: false });
      }
      return map;
    },
  };
  const agent = new DirectorAgent(
    {
      update: async (specs) => void vrrp.push(specs.map((s) => s.name)),
      virtualServerChanged: (name, h) => void vsHealth.set(name, h),
    },
    ipvs ? { setDesired: (t) => void tables.push(t), settled: async () => {} } : undefined,
    undefined,
    health,
    undefined,
    onQuorumChange && ((vs, up) => onQuorumChange(vs.name, up)),
  );
  return { agent, tables, vrrp, down, vsHealth };
}

const destinationsOf = (t: IpvsTable<DesiredService> | undefined) =>
  t?.services.map((s) => s.destinations.map((d) => `${d.address}:${d.weight}`));

test('apply: VRRP updated, every enabled real server installed at its weight', async () => {
  const h = harness();
  assert.deepEqual(await h.agent.apply(document), { ok: true });
  assert.deepEqual(h.vrrp, [document.vrrpInstances.map((i) => i.name)]);
  const expected = document.virtualServers.map((vs) =>
    vs.realServers
      .filter((rs) => rs.adminState !== 'disabled')
      .map((rs) => `${rs.address}:${rs.adminState === 'draining' ? 0 : rs.weight}`),
  );
  assert.deepEqual(destinationsOf(h.tables[0]), expected);
});

test('a health change decides the table again: a down real server leaves it', async () => {
  const h = harness();
  await h.agent.apply(document);
  const vs = document.virtualServers[0]!;
  const rs = vs.realServers.find((r) => r.adminState === 'enabled')!;
  h.down.add(`${vs.name}/${rs.name}`);
  h.agent.healthChanged();
  assert.equal(h.tables.length, 2);
  const addresses = h.tables[1]!.services[0]!.destinations.map((d) => d.address);
  assert.equal(addresses.includes(rs.address), vs.inhibitOnFailure);
});

test('every decision tells VRRP the virtual server health (tracked virtual-server checks)', async () => {
  const h = harness();
  await h.agent.apply(document);
  const vs = document.virtualServers[0]!;
  assert.deepEqual(h.vsHealth.get(vs.name), { allDown: false, belowQuorum: false });
  for (const rs of vs.realServers) h.down.add(`${vs.name}/${rs.name}`);
  h.agent.healthChanged();
  assert.equal(h.vsHealth.get(vs.name)?.allDown, true);
});

test('without IPVS a document with virtual servers is applied: VRRP runs, each virtual server is ipvs-unavailable', async () => {
  const h = harness(false);
  assert.deepEqual(await h.agent.apply(document), { ok: true });
  assert.deepEqual(h.vrrp, [document.vrrpInstances.map((i) => i.name)]);
  assert.equal(h.agent.applied, document);
  assert.deepEqual(
    h.agent.conditions.map((c) => [c.type, c.object.kind, c.object.name]),
    document.virtualServers.map((vs) => ['ipvs-unavailable', 'VirtualServer', vs.name]),
  );
  // Health still decides, for the VRRP engine's tracked virtual-server checks.
  const vs = document.virtualServers[0]!;
  for (const rs of vs.realServers) h.down.add(`${vs.name}/${rs.name}`);
  h.agent.healthChanged();
  assert.equal(h.vsHealth.get(vs.name)?.allDown, true);
  // A condition that still holds keeps its since; one whose virtual server is gone goes.
  const since = h.agent.conditions[0]!.since;
  await new Promise((r) => setTimeout(r, 5));
  await h.agent.apply({ ...document, revision: document.revision + 1 });
  assert.equal(h.agent.conditions[0]!.since, since);
  await h.agent.apply({ ...document, virtualServers: [] });
  assert.deepEqual(h.agent.conditions, []);
});

test('with IPVS there are no conditions', async () => {
  const h = harness(true);
  await h.agent.apply(document);
  assert.deepEqual(h.agent.conditions, []);
});

test('quorum lost and regained is reported once each (keepalived quorum_down, quorum_up)', async () => {
  const changes: string[] = [];
  const h = harness(true, (vs, up) => changes.push(`${vs}:${up ? 'up' : 'down'}`));
  await h.agent.apply(document);
  assert.deepEqual(changes, [], 'a virtual server starts with quorum, as in keepalived');
  const vs = document.virtualServers[0]!;
  for (const rs of vs.realServers) h.down.add(`${vs.name}/${rs.name}`);
  h.agent.healthChanged();
  h.agent.healthChanged();
  assert.deepEqual(changes, [`${vs.name}:down`]);
  h.down.clear();
  h.agent.healthChanged();
  assert.deepEqual(changes, [`${vs.name}:down`, `${vs.name}:up`]);
});
