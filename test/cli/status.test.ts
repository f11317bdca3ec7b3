/**
 * `fleetlb status`: VIP owners, split brain and no master per VRRP instance; stale, stopped and
 * behind directors; the exit code says the worst of it (8 split brain, 9 no master, 10 a director
 * not fresh, 0 all well).
 */
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

function report(
  revision: number,
  state: 'master' | 'backup' | 'init',
  agentState: 'running' | 'stopped' = 'running',
): AgentStatusInput {
  return {
    appliedRevision: revision,
    agent: {
      version: '0.1.0',
      startedAt: '2026-01-01T00:00:00.000Z',
      ipvsAvailable: true,
      state: agentState,
      // Fresh for the whole test however slow the machine: staleness is the control plane tests' job.
      reportIntervalMs: 3_600_000,
    },
    vrrp: [
      {
        instance: 'web',
        vrid: 51,
        state,
        priority: state === 'master' ? 150 : 100,
        since: '2026-01-01T00:00:01.000Z',
        vipsOwned: state === 'master' ? ['192.0.2.100'] : [],
      },
    ],
  };
}

async function reportAs(
  director: string,
  state: 'master' | 'backup' | 'init',
  agentState: 'running' | 'stopped' = 'running',
): Promise<void> {
  const { cp } = lab.served;
  const revision = (await cp.request('GET', '/v1/sites/ams1')).body.revision as number;
  await cp.postStatus(
    await cp.token('agent', 'ams1', director),
    report(revision, state, agentState),
  );
}

test('before any report: no master, every director stale and behind; exit 9', async () => {
  const result = await lab.run(['status', '--site', 'ams1']);
  assert.equal(result.code, 9, result.stderr);
  assert.match(result.stdout, /^site ams1: revision \d+\n/);
  assert.match(result.stdout, /\nweb +51 +- +- +lb1:unknown,lb2:unknown +NO-MASTER\n/);
  assert.match(result.stdout, /\nlb1 +192\.0\.2\.1 +-\/\d+ +never +STALE,BEHIND\n/);
});

test('one master, the other director not reporting yet: exit 10', async () => {
  await reportAs('lb1', 'master');
  const result = await lab.run(['status', '--site', 'ams1']);
  assert.equal(result.code, 10, result.stderr);
  assert.match(result.stdout, /\nweb +51 +lb1 +192\.0\.2\.100 +lb1:master,lb2:unknown +-\n/);
});

test('one master owning the VIP, fresh directors: no flags, exit 0', async () => {
  await reportAs('lb1', 'master');
  await reportAs('lb2', 'backup');
  const result = await lab.run(['status', '--site', 'ams1']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /\nweb +51 +lb1 +192\.0\.2\.100 +lb1:master,lb2:backup +-\n/);
  assert.match(result.stdout, /\nlb1 +192\.0\.2\.1 +(\d+)\/\1 +20\d\d-\S+ +-\n/);
});

test('two masters: split brain, exit 8; status of every site without --site; JSON', async () => {
  await reportAs('lb2', 'master');
  const result = await lab.run(['status']);
  assert.equal(result.code, 8, result.stderr);
  assert.match(
    result.stdout,
    /\nweb +51 +lb1,lb2 +192\.0\.2\.100,192\.0\.2\.100 +lb1:master,lb2:master +SPLIT-BRAIN\n/,
  );
  const asJson = json(await lab.run(['status', '-o', 'json']));
  assert.equal(asJson.length, 1);
  assert.equal(asJson[0].instances[0].splitBrain, true);
  assert.deepEqual(
    asJson[0].directors.map((d: { behind: boolean }) => d.behind),
    [false, false],
  );
});

test('a director stopped cleanly: STOPPED at once, the other master alone, exit 10', async () => {
  await reportAs('lb1', 'init', 'stopped');
  const result = await lab.run(['status', '--site', 'ams1']);
  assert.equal(result.code, 10, result.stderr);
  assert.match(result.stdout, /\nweb +51 +lb2 +192\.0\.2\.100 +lb1:stopped,lb2:master +-\n/);
  assert.match(result.stdout, /\nlb1 +192\.0\.2\.1 +\d+\/\d+ +20\d\d-\S+ +STOPPED\n/);
});

test('--help documents the exit codes of status', async () => {
  const result = await lab.run(['status', '--help']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /\n +8 +status: split brain/);
  assert.match(result.stdout, /\n +9 +status: no master/);
  assert.match(result.stdout, /\n +10 +status: a director is stale/);
});

test('conditions: a director without IPVS lists its virtual servers as ipvs-unavailable; the exit code is unchanged', async () => {
  const { cp } = lab.served;
  const revision = (await cp.request('GET', '/v1/sites/ams1')).body.revision as number;
  await reportAs('lb1', 'master');
  await cp.postStatus(await cp.token('agent', 'ams1', 'lb2'), {
    ...report(revision, 'backup'),
    conditions: [
      {
        type: 'ipvs-unavailable',
        object: { kind: 'VirtualServer', name: 'web-http' },
        message: 'this kernel has no IPVS',
        since: '2026-01-01T00:00:02.000Z',
      },
    ],
  });
  const result = await lab.run(['status', '--site', 'ams1']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /\nlb2 +192\.0\.2\.2 +\d+\/\d+ +20\d\d-\S+ +1-CONDITIONS\n/);
  assert.match(
    result.stdout,
    /\nDIRECTOR +CONDITION +OBJECT\nlb2 +ipvs-unavailable +VirtualServer\/web-http\n/,
  );
  const described = json(
    await lab.run(['describe', 'director', 'lb2', '--site', 'ams1', '-o', 'json']),
  );
  assert.deepEqual(
    described.status.conditions.map((c: { type: string; object: { name: string } }) => [
      c.type,
      c.object.name,
    ]),
    [['ipvs-unavailable', 'web-http']],
  );
  const vs = json(
    await lab.run(['describe', 'virtual-server', 'web-http', '--site', 'ams1', '-o', 'json']),
  );
  assert.deepEqual(
    vs.status.conditions.map((c: { director: string; type: string }) => [c.director, c.type]),
    [['lb2', 'ipvs-unavailable']],
  );
});

test('IPVS sync: the daemon each director runs, NOT-RUNNING when its kernel does not run the wanted one', async () => {
  const { cp } = lab.served;
  const revision = (await cp.request('GET', '/v1/sites/ams1')).body.revision as number;
  const since = '2026-01-01T00:00:02.000Z';
  await cp.postStatus(await cp.token('agent', 'ams1', 'lb1'), {
    ...report(revision, 'master'),
    ipvsSync: {
      instance: 'web',
      wanted: 'master',
      running: [{ role: 'master', interface: 'eth1', syncId: 51 }],
      since,
    },
  });
  await cp.postStatus(await cp.token('agent', 'ams1', 'lb2'), {
    ...report(revision, 'backup'),
    ipvsSync: { instance: 'web', wanted: 'backup', running: [], error: 'ENODEV', since },
  });
  const result = await lab.run(['status', '--site', 'ams1']);
  assert.match(result.stdout, /\nDIRECTOR +ADDRESS +APPLIED +LAST-REPORT +IPVS-SYNC +FLAGS\n/);
  assert.match(result.stdout, /\nlb1 +\S+ +\d+\/\d+ +20\d\d-\S+ +master +-\n/);
  assert.match(result.stdout, /\nlb2 +\S+ +\d+\/\d+ +20\d\d-\S+ +backup:NOT-RUNNING +-\n/);
  const view = (await cp.request('GET', '/v1/sites/ams1/directors-status')).body as {
    directors: { name: string; ipvsSync: { wanted: string } | null }[];
  };
  assert.deepEqual(
    view.directors.map((d) => [d.name, d.ipvsSync?.wanted]),
    [
      ['lb1', 'master'],
      ['lb2', 'backup'],
    ],
  );
});
