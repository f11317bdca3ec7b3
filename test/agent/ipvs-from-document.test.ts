/**
 * agent/core/ipvs/from-document.ts: the virtual servers of the golden compiled documents become
 * IPVS services and destinations that the planner can install from empty.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DesiredState } from '../../contract/desired-state.js';
import {
  destinationOfRealServer,
  serviceOfVirtualServer,
  sorryDestination,
} from '../../agent/core/ipvs/from-document.js';
import { plan } from '../../agent/core/ipvs/plan.js';
import { applyOps } from '../../agent/core/ipvs/apply-to-table.js';
import type { DesiredService } from '../../agent/core/ipvs/model.js';

const load = (path: string) =>
  DesiredState.parse(
    JSON.parse(readFileSync(new URL(`../../contract/fixtures/${path}`, import.meta.url), 'utf8')),
  );

const FIXTURES = [
  'director-ipv4-nat.json',
  'director-ipv4-v2-dr.json',
  'director-ipv6.json',
  'compiled/ams1-lb2.json',
];

for (const fixture of FIXTURES) {
  test(`${fixture}: every virtual server installs from empty`, () => {
    const document = load(fixture);
    const services: DesiredService[] = document.virtualServers.map((vs) => ({
      ...serviceOfVirtualServer(vs),
      destinations: vs.realServers.map((rs) => destinationOfRealServer(vs, rs, rs.weight)),
    }));
    const desired = { services };
    const result = plan({ services: [] }, desired, {
      ...{ owned: new Set<string>(), adopt: false, drain: false, now: 0 },
      ...{ drainingSince: new Map<string, number>(), maxDestructive: Infinity },
    });
    assert.deepEqual(result.conflicts, []);
    const installed = applyOps({ services: [] }, result.ops);
    assert.equal(installed.services.length, document.virtualServers.length);
  });
}

test('the service carries scheduler, flags and persistence; a real server its own forwarding', () => {
  const document = load('compiled/ams1-lb2.json');
  const dns = document.virtualServers.find((vs) => vs.name === 'dns-udp')!;
  assert.deepEqual(serviceOfVirtualServer(dns), {
    family: 'ipv4',
    protocol: 'udp',
    address: '192.0.2.53',
    port: 53,
    scheduler: 'sh',
    schedulerFlags: ['sh-port'],
    persistenceTimeoutS: 0,
    persistenceNetmaskBits: 32,
    onePacket: false,
  });
  const rs = { ...dns.realServers[0]!, forwarding: 'tun' as const };
  assert.equal(destinationOfRealServer(dns, rs, 0).forwarding, 'tun');
  assert.equal(destinationOfRealServer(dns, dns.realServers[0]!, 7).weight, 7);
  assert.equal(sorryDestination(dns), undefined);
  const withSorry = { ...dns, sorryServer: { address: '192.0.2.99', port: 53 } };
  assert.deepEqual(sorryDestination(withSorry), {
    address: '192.0.2.99',
    port: 53,
    forwarding: 'dr',
    weight: 1,
    upperThreshold: 0,
    lowerThreshold: 0,
  });
});
