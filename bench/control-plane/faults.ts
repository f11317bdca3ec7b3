/**
 * @module Database faults (`npm run bench:control-plane`, PostgreSQL): two real replicas
 * (main.ts as child processes) with 4 writers and 4 long-pollers, through each fault class:
 * every backend terminated, connections refused (ALLOW_CONNECTIONS false) for `outageS`, the
 * LISTEN connections killed. For each: time to recover, 503s served, answers other than
 * 2xx/304/503 during the fault, and that no acknowledged write was lost.
 */
import { newPostgresDatabase } from '../../test/support/databases.js';
import {
  AnswerLog,
  call,
  LongPoller,
  seedFaultSite,
  Writers,
} from '../../test/support/fault-workload.js';
import { DatabaseFaults, startReplica } from '../../test/support/replica-process.js';
import { ms, type Row } from './report.js';

const sleep = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, msToWait));

/** Polls every 20 ms until `probe` holds; returns the time it took (NaN past `limitMs`). */
async function until(probe: () => Promise<boolean>, limitMs = 120_000): Promise<number> {
  const start = performance.now();
  while (!(await probe())) {
    if (performance.now() - start > limitMs) return NaN;
    await sleep(20);
  }
  return performance.now() - start;
}

export async function measureDatabaseFaults(
  outageS: number,
  log: (m: string) => void,
): Promise<Row[]> {
  const database = await newPostgresDatabase();
  const faults = DatabaseFaults.forUrl(database.url);
  const a = await startReplica(database.url);
  const b = await startReplica(database.url);
  const replicas = [a, b];
  const admin = a.firstToken!;
  const answers = new AnswerLog();
  const agents = await seedFaultSite(a.url, admin);
  const writers = new Writers([a.url, b.url], admin, answers, 4);
  const pollers = replicas.flatMap((r) => agents.map((t) => new LongPoller(r.url, t, answers)));
  const rows: Row[] = [];
  const allReady = async () =>
    (
      await Promise.all(replicas.map((r) => call(r.url, 'GET', '/readyz', { timeoutMs: 5000 })))
    ).every((res) => res.status === 200);
  const writeAcked = async (since: number) => until(async () => writers.acknowledged.size > since);
  const row = (
    measurement: string,
    phase: string,
    recoveryMs: number,
    extra: Record<string, unknown>,
  ): Row => {
    const served503 = answers.count(phase, 503);
    const other = answers.other(phase);
    const alive = replicas.every((r) => r.alive());
    return {
      database: 'postgres',
      measurement,
      result:
        `recovered in ${ms(recoveryMs)}; ${served503} × 503 served, ${other} other errors, ` +
        `replicas ${alive ? 'alive' : 'EXITED'}`,
      target: 'no exit, only 503s, recovery < 1 s',
      pass: alive && other === 0 && recoveryMs < 1000,
      data: { recoveryMs, served503, otherErrors: other, alive, ...extra },
    };
  };
  try {
    await sleep(1000);

    log('postgres faults: pg_terminate_backend on every backend, 30 times');
    answers.phase = 'terminate';
    for (let i = 0; i < 30; i++) {
      await faults.terminateAll();
      await sleep(50);
    }
    const acked = writers.acknowledged.size;
    const recovery = await writeAcked(acked);
    answers.phase = 'after-terminate';
    rows.push(
      row('fault: backends terminated ×30', 'terminate', recovery, {
        note: 'recovery: last termination to the next acknowledged write',
      }),
    );

    log(`postgres faults: connections refused for ${outageS} s`);
    answers.phase = 'outage';
    await faults.allowConnections(false);
    const samples: number[] = [];
    const outageEnd = Date.now() + outageS * 1000;
    while (Date.now() < outageEnd) {
      for (const r of replicas) {
        answers.record(await call(r.url, 'GET', '/v1/sites', { token: admin, timeoutMs: 10_000 }));
        answers.record(await call(r.url, 'GET', '/readyz', { timeoutMs: 10_000 }));
      }
      samples.push(Date.now());
      await sleep(200);
    }
    const ackedBefore = writers.acknowledged.size;
    await faults.allowConnections(true);
    const readyMs = await until(allReady);
    const writeMs = await writeAcked(ackedBefore);
    answers.phase = 'after-outage';
    rows.push(
      row(`fault: connections refused ${outageS} s`, 'outage', Math.max(readyMs, writeMs), {
        readyMs,
        firstWriteMs: writeMs,
        note: 'recovery: ALLOW_CONNECTIONS true to both replicas ready and a write acknowledged',
      }),
    );

    log('postgres faults: LISTEN connections killed');
    answers.phase = 'listen';
    await until(async () => (await faults.listeners()) >= 2);
    const killedAt = performance.now();
    await faults.terminateListeners();
    const relistenMs = await until(async () => (await faults.listeners()) >= 2);
    const res = await call(a.url, 'PATCH', '/v1/sites/faults/virtual-servers/web', {
      token: admin,
      body: { description: `after LISTEN ${Date.now()}` },
    });
    const site = await call(a.url, 'GET', '/v1/sites/faults', { token: admin });
    const revision = Number(site.body?.revision);
    const wrote = performance.now();
    await Promise.race([Promise.all(pollers.map((p) => p.reached(revision))), sleep(30_000)]);
    const wakeMs = performance.now() - wrote;
    const woken = pollers.filter((p) => p.revision >= revision).length;
    rows.push({
      ...row('fault: LISTEN connections killed', 'listen', relistenMs, {
        patchStatus: res.status,
        wakeAllPollersMs: wakeMs,
        pollersWoken: woken,
        pollers: pollers.length,
        sinceKillMs: performance.now() - killedAt,
      }),
      result:
        `re-LISTENed in ${ms(relistenMs)}; next write reached ${woken}/${pollers.length} ` +
        `long-pollers on both replicas in ${ms(wakeMs)}`,
      pass: woken === pollers.length && relistenMs < 1000,
    });

    await writers.stop();
    const lost = await writers.lost(b.url);
    rows.push({
      database: 'postgres',
      measurement: 'faults: acknowledged writes lost',
      result: `${lost.length} of ${writers.acknowledged.size} acknowledged writes lost; ${answers.serverErrors.length} answers 5xx other than 503`,
      target: '0 lost',
      pass: lost.length === 0 && answers.serverErrors.length === 0,
      data: {
        acknowledged: writers.acknowledged.size,
        lost: lost.length,
        serverErrors: answers.serverErrors.slice(0, 10),
      },
    });
  } finally {
    await writers.stop();
    await Promise.all(pollers.map((p) => p.stop()));
    await faults.allowConnections(true).catch(() => {});
    await Promise.all(replicas.map((r) => r.stop()));
    await faults.close();
    await database.drop();
  }
  return rows;
}
