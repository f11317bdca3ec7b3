/**
 * PostgreSQL tier: two replicas of the real control plane (child processes) keep running while
 * their database is broken under them, with writers and long-polling agents on both:
 * - every backend terminated, over and over (the postgres.js 3.4.9 crash of porsager/postgres
 *   #1208, fixed by patches/postgres+3.4.9.patch);
 * - new connections refused (`ALLOW_CONNECTIONS false`) for a while: answers are 503 problem+json
 *   with Retry-After, /readyz says unavailable, no 500, and service resumes unaided; a replica
 *   started meanwhile waits for the database instead of exiting; a status report (stored by the
 *   status report worker over its own connection) is answered 503 too, and stored after;
 * - the LISTEN connections killed: both replicas listen again and a write reaches every
 *   long-poller on both.
 * No write acknowledged with a 2xx is lost. Times are bounds on waiting, never assertions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newPostgresDatabase, postgresTier } from '../support/databases.js';
import {
  AnswerLog,
  call,
  LongPoller,
  seedFaultSite,
  Writers,
  type HttpAnswer,
} from '../support/fault-workload.js';
import { DatabaseFaults, startReplica, type ReplicaProcess } from '../support/replica-process.js';

const OUTAGE_MS = Number(process.env.FLEETLB_TEST_OUTAGE_MS ?? 30_000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns true; fails after `timeoutMs` (a bound, not a measurement). */
async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

describe('database faults [postgres]', async () => {
  const skip = await postgresTier();
  if (skip) {
    test('PostgreSQL tier', { skip }, () => {});
    return;
  }
  let drop = async () => {};
  let databaseUrl = '';
  let faults: DatabaseFaults;
  let replicas: ReplicaProcess[] = [];
  let admin = '';
  const log = new AnswerLog();
  let writers: Writers;
  let pollers: LongPoller[] = [];
  let agents: string[] = [];
  const agentInfo = { version: '1.0.0', startedAt: '2026-12-07T00:00:00Z', ipvsAvailable: true };
  // A bound, not a measurement: the first report starts the status report worker, which loads
  // its modules (seconds on a busy machine).
  const report = (r: ReplicaProcess) =>
    call(r.url, 'POST', '/v1/agent/status', {
      token: agents[0]!,
      body: { appliedRevision: null, agent: agentInfo },
      timeoutMs: 60_000,
    });

  before(async () => {
    const database = await newPostgresDatabase();
    databaseUrl = database.url;
    drop = database.drop;
    faults = DatabaseFaults.forUrl(database.url);
    const a = await startReplica(database.url);
    const b = await startReplica(database.url);
    replicas = [a, b];
    admin = a.firstToken!;
    assert.ok(admin, 'the first replica printed the bootstrap admin token');
    agents = await seedFaultSite(a.url, admin);
    writers = new Writers([a.url, b.url], admin, log, 4);
    pollers = replicas.flatMap((r) => agents.map((token) => new LongPoller(r.url, token, log)));
  });

  after(async () => {
    await writers?.stop();
    await Promise.all(pollers.map((p) => p.stop()));
    await faults?.allowConnections(true).catch(() => {});
    await Promise.all(replicas.map((r) => r.stop()));
    await faults?.close();
    await drop();
  });

  const ready = async (r: ReplicaProcess) =>
    (await call(r.url, 'GET', '/readyz', { timeoutMs: 5000 })).status === 200;
  const allAlive = () => {
    for (const r of replicas) assert.ok(r.alive(), `a replica exited:\n${r.stderr}\n${r.stdout}`);
  };

  test('terminating every backend again and again kills no replica and loses no write', async () => {
    log.phase = 'terminate';
    await sleep(500); // writers and long-polls under way
    for (let round = 0; round < 30; round++) {
      await faults.terminateAll();
      await sleep(50 + (round % 5) * 40);
      allAlive();
    }
    for (const r of replicas) await eventually('ready again', () => ready(r));
    allAlive();
    const written = writers.acknowledged.size;
    await eventually('writes acknowledged again', async () => writers.acknowledged.size > written);
    assert.deepEqual(log.serverErrors, [], 'no 5xx other than 503');
  });

  test('refused connections: 503 with Retry-After, /readyz unavailable, then recovery', async () => {
    log.phase = 'outage';
    // The status report worker's connection is open before the fault, as in production.
    assert.equal((await report(replicas[0]!)).status, 204);
    await faults.allowConnections(false);
    // A replica started while the database refuses waits for it instead of exiting.
    const late = startReplica(databaseUrl, {}, OUTAGE_MS + 90_000);
    late.then((r) => replicas.push(r)).catch(() => {});
    const deadline = Date.now() + OUTAGE_MS;
    const samples: HttpAnswer[] = [];
    while (Date.now() < deadline) {
      for (const r of replicas) {
        samples.push(await call(r.url, 'GET', '/readyz', { timeoutMs: 10_000 }));
        samples.push(await call(r.url, 'GET', '/v1/sites', { token: admin, timeoutMs: 10_000 }));
      }
      await sleep(250);
    }
    const write = await call(replicas[0]!.url, 'POST', '/v1/sites', {
      token: admin,
      body: { name: 'during-outage' },
    });
    const refusedReport = await report(replicas[0]!);
    allAlive();
    await faults.allowConnections(true);
    log.phase = 'recovery';
    for (const r of replicas) await eventually('ready again', () => ready(r));
    const third = await late;
    assert.ok(third.alive(), 'the replica started during the outage came up after it');
    assert.ok(await ready(third));
    // It starts in a few seconds; a shortened outage (FLEETLB_TEST_OUTAGE_MS) may end first.
    if (OUTAGE_MS >= 15_000)
      assert.match(third.stdout, /database unavailable; retrying/, 'it did wait for the database');

    for (const s of samples) log.record(s);
    // Requests that met the refusal first-hand answer 503; /healthz-style liveness stays 200.
    const statuses = new Set(samples.map((s) => s.status));
    assert.ok(statuses.has(503), `the outage was answered 503 (saw ${[...statuses].join(', ')})`);
    const readyz = samples.filter((s) => s.body?.status === 'unavailable');
    assert.ok(readyz.length > 0, '/readyz said unavailable');
    assert.match(readyz[0]!.body.reason, /database unavailable/);
    const problem = samples.find((s) => s.status === 503 && s.body?.type);
    assert.equal(problem?.body.type, 'urn:fleetlb:problem:database-unavailable');
    assert.equal(problem?.headers.get('retry-after'), '1');
    assert.equal(write.status, 503);
    assert.match(write.body.detail, /not applied|outcome is unknown/);
    assert.equal(refusedReport.status, 503, JSON.stringify(refusedReport.body));
    assert.equal(refusedReport.body.type, 'urn:fleetlb:problem:database-unavailable');
    assert.equal(refusedReport.headers.get('retry-after'), '1');
    assert.equal((await report(replicas[0]!)).status, 204, 'a report is stored after recovery');
    assert.equal(log.malformed503, 0, 'every 503 has Retry-After and problem+json');
    assert.equal(log.other('outage'), 0, 'nothing but 2xx, 304 or 503 during the outage');
    assert.deepEqual(log.serverErrors, [], 'no 5xx other than 503');
    allAlive();
  });

  test('killed LISTEN connections come back and a write reaches every long-poller', async () => {
    log.phase = 'listen';
    await eventually('both replicas listening', async () => (await faults.listeners()) >= 2);
    assert.ok((await faults.terminateListeners()) >= 2);
    await eventually('both replicas listening again', async () => (await faults.listeners()) >= 2);
    // One write through replica A; the pollers on B only learn of it through NOTIFY.
    const res = await call(replicas[0]!.url, 'PATCH', `/v1/sites/faults/virtual-servers/web`, {
      token: admin,
      body: { description: 'after the LISTEN was killed' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const site = await call(replicas[0]!.url, 'GET', '/v1/sites/faults', { token: admin });
    const revision = Number(site.body.revision);
    await Promise.all(pollers.map((p) => p.reached(revision)));
    allAlive();
  });

  test('no write acknowledged with 2xx was lost', async () => {
    await writers.stop();
    assert.ok(writers.acknowledged.size > 0);
    assert.deepEqual(await writers.lost(replicas[1]!.url), []);
    assert.deepEqual(log.serverErrors, []);
    allAlive();
  });
});
