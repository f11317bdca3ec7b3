/**
 * agent/runtime/ipvs-reconciler.ts: pacing (a burst of changes is one round, then one more),
 * level-triggered repair on resync, the owned set kept on disk across a restart, another tool's
 * services left alone. Against an in-memory table; the VM tier runs it against the kernel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IpvsReconciler, type RoundReport } from '../../agent/runtime/ipvs-reconciler.js';
import {
  serviceKey,
  type DesiredService,
  type IpvsDestination,
} from '../../agent/core/ipvs/model.js';
import { FakeIpvsClient } from '../support/fake-ipvs-client.js';
import { service, VIP } from '../support/ipvs-builders.js';

const dest = (address: string, weight = 1): IpvsDestination => ({
  ...{ address, port: 80, forwarding: 'nat', weight },
  ...{ upperThreshold: 0, lowerThreshold: 0 },
});
const web = (weight = 1): DesiredService => service(VIP, [dest('198.51.100.11', weight)]);
const other = service({ family: 'ipv4', protocol: 'tcp', address: '203.0.113.9', port: 25 });

function harness(
  stateDir = mkdtempSync(join(tmpdir(), 'fleetlb-reconciler-')),
  minIntervalMs = 30,
) {
  const client = new FakeIpvsClient();
  const rounds: RoundReport[] = [];
  const errors: Error[] = [];
  const reconciler = new IpvsReconciler(
    client,
    { stateDir, minIntervalMs, resyncIntervalMs: 100 },
    { onRound: (r) => rounds.push(r), onError: (e) => errors.push(e) },
  );
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(check(), 'condition not reached');
  };
  return { client, rounds, errors, reconciler, stateDir, until };
}

test('converges, and a burst of changes makes one more round, not one per change', async () => {
  // A pacing interval long enough that the burst always lands inside it, however slow the run.
  const h = harness(undefined, 500);
  await h.reconciler.start();
  h.reconciler.setDesired({ services: [web(1)] });
  await h.until(() => h.rounds.length === 1);
  h.reconciler.setDesired({ services: [web(2)] });
  h.reconciler.setDesired({ services: [web(3)] });
  h.reconciler.setDesired({ services: [web(4)] });
  await h.until(() => h.client.table.services[0]?.destinations[0]?.weight === 4);
  await h.reconciler.stop();
  assert.equal(h.rounds.length, 2);
  assert.deepEqual(h.errors, []);
});

test('an idle reconciler starts the round at once; settled() resolves when it has run', async () => {
  const h = harness();
  await h.reconciler.start();
  await h.reconciler.settled(1000); // nothing desired yet: nothing to wait for
  h.reconciler.setDesired({ services: [web(7)] });
  const settled = h.reconciler.settled(10_000);
  assert.equal(h.rounds.length, 0, 'the round is under way, not finished');
  await settled;
  assert.equal(h.rounds.length, 1);
  assert.equal(h.client.table.services[0]?.destinations[0]?.weight, 7);
  h.reconciler.setDesired({ services: [web(8)] }); // paced: within minIntervalMs of the first
  await h.reconciler.settled(10_000);
  assert.equal(h.client.table.services[0]?.destinations[0]?.weight, 8);
  await h.reconciler.stop();
  assert.deepEqual(h.errors, []);
});

test('a resync round repairs what someone else changed; their own service stays', async () => {
  const h = harness();
  await h.reconciler.start();
  h.reconciler.setDesired({ services: [web()] });
  await h.until(() => h.rounds.length === 1);
  h.client.table = { services: [{ ...web(), destinations: [] }, other] };
  await h.until(
    () =>
      h.client.table.services.find((s) => serviceKey(s) === serviceKey(VIP))?.destinations
        .length === 1,
  );
  await h.reconciler.stop();
  assert.ok(h.client.table.services.some((s) => serviceKey(s) === serviceKey(other)));
});

test('the owned set survives a restart: a service no longer desired is removed', async () => {
  const first = harness();
  await first.reconciler.start();
  first.reconciler.setDesired({ services: [web()] });
  await first.until(() => first.rounds.length === 1);
  await first.reconciler.stop();
  assert.deepEqual(JSON.parse(readFileSync(join(first.stateDir, 'owned.json'), 'utf8')), [
    'svc:tcp:192.0.2.1:80',
  ]);

  const second = harness(first.stateDir);
  second.client.table = { services: [web(), other] };
  await second.reconciler.start();
  second.reconciler.setDesired({ services: [] });
  await second.until(() => second.rounds.length === 1);
  await second.reconciler.stop();
  assert.deepEqual(second.client.table.services.map(serviceKey), [serviceKey(other)]);
});
