/**
 * `fleetlb director maintenance NAME --wait` and `fleetlb director resume NAME` against an
 * in-process control plane whose directors' agents are stand-ins posting status reports: the
 * refusal names the instance (exit 4), --wait exits 5 with what an instance still waits for, and
 * returns (exit 0) once the other director reports master with the VIP; `fleetlb status` shows
 * the director in maintenance.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AgentStatusInput, VrrpState } from '../../contract/index.js';
import { EXIT } from '../../control-plane/cli/exit-codes.js';
import { startCliLab, type CliLab } from './cli-lab.js';

const SITE = 'maintsite';
const VIP = '203.0.113.60';
const manifest = `apiVersion: fleetlb/v1
kind: Site
metadata: {name: ${SITE}}
---
kind: Director
metadata: {name: lb1, site: ${SITE}}
spec: {address: 203.0.113.1}
---
kind: Director
metadata: {name: lb2, site: ${SITE}}
spec: {address: 203.0.113.2}
---
kind: VrrpInstance
metadata: {name: web, site: ${SITE}}
spec:
  vrid: 19
  interface: eth0
  vips: [{address: ${VIP}, prefixLength: 24}]
  members: [{director: lb1, priority: 150}, {director: lb2, priority: 100}]
`;

let lab: CliLab;
const tokens = new Map<string, string>();
before(async () => {
  lab = await startCliLab();
  const created = await lab.run(['apply', '-f', '-'], { stdin: manifest });
  assert.equal(created.code, 0, created.stderr);
  for (const director of ['lb1', 'lb2'])
    tokens.set(director, await lab.served.cp.token('agent', SITE, director));
});
after(async () => {
  await lab.close();
});

const revision = async () =>
  (await lab.served.cp.request('GET', `/v1/sites/${SITE}`)).body.revision as number;

/** One stand-in agent report: `state` in instance web (with the VIP when master). */
async function reportAs(director: string, state: VrrpState, maintenance = false): Promise<void> {
  const body: AgentStatusInput = {
    appliedRevision: await revision(),
    agent: {
      version: '0.1.0',
      startedAt: '2026-12-01T08:00:00.000Z',
      ipvsAvailable: true,
      maintenance,
    },
    vrrp: [
      {
        instance: 'web',
        vrid: 19,
        state,
        priority: maintenance ? 1 : director === 'lb1' ? 150 : 100,
        since: new Date().toISOString(),
        vipsOwned: state === 'master' ? [VIP] : [],
      },
    ],
  };
  await lab.served.cp.postStatus(tokens.get(director)!, body);
}

/** Once the site passes `from`, the stand-ins play the hand-over (`lb2Takes`: lb2 becomes master). */
async function handOver(from: number, lb2Takes: boolean): Promise<void> {
  for (let i = 0; i < 200 && (await revision()) <= from; i++)
    await new Promise((r) => setTimeout(r, 50));
  await reportAs('lb1', 'backup', true);
  await new Promise((r) => setTimeout(r, 300));
  await reportAs('lb2', lb2Takes ? 'master' : 'backup');
}

const args = (...more: string[]) => ['director', ...more, '--site', SITE];

test('refused while lb2 never reported: exit 4 naming the instance; nothing changed', async () => {
  await reportAs('lb1', 'master');
  const before = await revision();
  const run = await lab.run(args('maintenance', 'lb1', '--wait'));
  assert.equal(run.code, EXIT.conflict, run.stderr);
  assert.match(run.stderr, /VRRP instance web with no healthy backup/);
  assert.match(run.stderr, /instances\.web: lb1 is its master/);
  assert.equal(await revision(), before);
});

test('--wait: exit 5 with the reason when no other member takes over in time; resume', async () => {
  await reportAs('lb1', 'master');
  await reportAs('lb2', 'backup');
  const from = await revision();
  const [run] = await Promise.all([
    lab.run(args('maintenance', 'lb1', '--wait', '--timeout', '3s', '--reason', 'kernel')),
    handOver(from, false),
  ]);
  assert.equal(run.code, EXIT.timeout, run.stderr);
  assert.match(run.stdout, /director lb1 in maintenance \(revision \d+\)/);
  assert.match(run.stderr, /not handed over in time: web \(no other member reports master yet\)/);
  const resumed = await lab.run(args('resume', 'lb1'));
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /director lb1 resumed/);
});

test('--wait returns once lb2 is master and owns the VIP; status shows MAINTENANCE', async () => {
  await reportAs('lb1', 'master');
  await reportAs('lb2', 'backup');
  const from = await revision();
  const [run] = await Promise.all([
    lab.run(args('maintenance', 'lb1', '--wait', '--timeout', '30s')),
    handOver(from, true),
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /web: master lb1, hands over; healthy members: lb2/);
  assert.match(run.stderr, new RegExp(`web: lb2 is master, owns ${VIP.replaceAll('.', '\\.')}`));
  const status = await lab.run(['status', '--site', SITE]);
  assert.match(status.stdout, /lb1 .*MAINTENANCE/);
  assert.doesNotMatch(status.stdout, /MAINTENANCE-PENDING/);
  const json = await lab.run(['-o', 'json', ...args('maintenance', 'lb1')]);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(JSON.parse(json.stdout).changed, false);
});

test('--timeout without --wait is a usage error', async () => {
  const run = await lab.run(args('maintenance', 'lb1', '--timeout', '2s'));
  assert.equal(run.code, EXIT.usage);
});
