/** `fleetlb weight set`, `drain` (with and without --wait, progress per director, exit 5 on timeout) and `undrain`. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AgentStatusInput } from '../../contract/index.js';
import { json, startCliLab, type CliLab } from './cli-lab.js';

let lab: CliLab;
before(async () => {
  lab = await startCliLab();
});
after(async () => {
  await lab.close();
});

const web1Path = '/v1/sites/ams1/virtual-servers/web-http/real-servers/web1';
const one = ['--site', 'ams1', '--virtual-server', 'web-http', 'web1'];

/** What an agent would report once it applied `revision`, with web1's active connections. */
function report(appliedRevision: number, web1Active: number): AgentStatusInput {
  return {
    appliedRevision,
    agent: { version: '0.1.0', startedAt: '2026-01-01T00:00:00.000Z', ipvsAvailable: true },
    realServers: [
      {
        virtualServer: 'web-http',
        realServer: 'web1',
        health: 'up',
        weight: 0,
        activeConnections: web1Active,
        inactiveConnections: 0,
      },
      {
        virtualServer: 'web-http',
        realServer: 'web2',
        health: 'up',
        weight: 7,
        activeConnections: 3,
        inactiveConnections: 0,
      },
    ],
  };
}

async function reportBoth(lb1Web1Active: number): Promise<void> {
  const { cp } = lab.served;
  const revision = (await cp.request('GET', '/v1/sites/ams1')).body.revision as number;
  await cp.postStatus(await cp.token('agent', 'ams1', 'lb1'), report(revision, lb1Web1Active));
  await cp.postStatus(await cp.token('agent', 'ams1', 'lb2'), report(revision, 0));
}

test('weight set changes one real server, or every one matching a selector', async () => {
  const single = await lab.run(['weight', 'set', ...one, '50']);
  assert.equal(single.code, 0, single.stderr);
  assert.match(
    single.stdout,
    /^VIRTUAL-SERVER +NAME +WEIGHT +STATE +CHANGED\nweb-http +web1 +50 +enabled +yes\n$/,
  );
  assert.equal((await lab.served.cp.request('GET', web1Path)).body.weight, 50);
  const selected = await lab.run(['weight', 'set', '--site', 'ams1', '-l', 'version=v2', '7']);
  assert.equal(selected.code, 0, selected.stderr);
  assert.match(selected.stdout, /\nweb-http +web2 +7 +enabled +yes\n$/);
  const absent = await lab.run([
    'weight',
    'set',
    '--site',
    'ams1',
    '--virtual-server',
    'web-http',
    'web9',
    '5',
  ]);
  assert.equal(absent.code, 3);
});

test('drain without --wait records the drain and returns at once', async () => {
  const result = await lab.run(['drain', ...one]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^draining web-http\/web1 in site ams1 \(revision \d+\)\n$/);
  assert.equal((await lab.served.cp.request('GET', web1Path)).body.adminState, 'draining');
});

test('drain --wait with no agent reporting times out with exit 5, saying who is missing', async () => {
  const result = await lab.run(['drain', ...one, '--wait', '--timeout', '2s']);
  assert.equal(result.code, 5, result.stderr);
  assert.match(result.stderr, /lb1: no report from its agent yet\n/);
  assert.match(result.stderr, /lb2: no report from its agent yet\n/);
  assert.match(result.stderr, /error: not drained after 2s\n$/);
  const asJson = json(await lab.run(['drain', ...one, '--wait', '--timeout', '1s', '-o', 'json']));
  assert.equal(asJson.drained, false);
  assert.equal(asJson.timedOut, true);
  assert.deepEqual(
    [...new Set(asJson.remaining.map((r: { reason: string }) => r.reason))],
    ['no-report'],
  );
});

test('drain --wait shows the connections left per director, and succeeds once there are none', async () => {
  await reportBoth(4);
  const busy = await lab.run(['drain', ...one, '--wait', '--timeout', '2s']);
  assert.equal(busy.code, 5, busy.stderr);
  assert.match(busy.stderr, /lb1: 4 active connections left \(web-http\/web1 4\)\n/);
  assert.doesNotMatch(busy.stderr, /lb2:/, 'lb2 has no connection to web1 left');
  await reportBoth(0);
  const done = await lab.run(['drain', ...one, '--wait', '--timeout', '30s']);
  assert.equal(done.code, 0, done.stderr);
  assert.match(
    done.stderr,
    /drained: every director applied revision \d+ and reports no active connection\n$/,
  );
});

test('drain and undrain by selector; undrain puts real servers back in service', async () => {
  const drained = json(await lab.run(['drain', '--site', 'ams1', '-l', 'app=web', '-o', 'json']));
  assert.deepEqual(
    drained.realServers.map((r: { name: string; adminState: string }) => [r.name, r.adminState]),
    [
      ['web1', 'draining'],
      ['web2', 'draining'],
    ],
  );
  const one1 = await lab.run(['undrain', ...one]);
  assert.equal(one1.code, 0, one1.stderr);
  assert.match(one1.stdout, /\nweb-http +web1 +50 +enabled +yes\n$/);
  const rest = await lab.run(['undrain', '--site', 'ams1', '-l', 'app=web']);
  assert.equal(rest.code, 0, rest.stderr);
  assert.match(
    rest.stdout,
    /\nweb-http +web1 +50 +enabled +no\nweb-http +web2 +7 +enabled +yes\n$/,
  );
  assert.equal((await lab.served.cp.request('GET', web1Path)).body.adminState, 'enabled');
});
