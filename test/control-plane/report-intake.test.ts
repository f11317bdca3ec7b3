/**
 * Status reports are taken off the event loop: the worker gives the same answers as the pure
 * validator, hands a PGlite report back as bytes, keeps the event loop turning while the largest
 * legal report is processed, and ends when idle. Storing a report from a thread of its own
 * (take-report.ts, here on PGlite in-process) refuses a revision the site never reached and a
 * deleted director, and hands the report back when it cannot store it for another reason.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import type { Database } from '../../control-plane/db/database.js';
import { agentStatus } from '../../control-plane/db/schema.js';
import { validateReport } from '../../control-plane/status/parse-report.js';
import { ReportIntake } from '../../control-plane/status/report-intake.js';
import { takeReport, type TakenReport } from '../../control-plane/status/take-report.js';
import { silentLogger } from '../support/control-plane.js';
import { newPgliteDatabase } from '../support/databases.js';

const intake = new ReportIntake(silentLogger, undefined);
let database: Database | undefined;
after(async () => {
  await intake.close();
  await database?.close();
});

const agent = { version: '1.0.0', startedAt: '2026-01-01T00:00:00Z', ipvsAvailable: true };
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const target = {
  directorId: randomUUID(),
  siteId: randomUUID(),
  reportedAtMs: 0,
  knownRevision: 0,
};

/** The report a stored answer carries, parsed. */
function reportOf(result: TakenReport) {
  assert.ok(result.ok && result.json !== undefined, JSON.stringify(result));
  const json = result.json;
  return JSON.parse(typeof json === 'string' ? json : new TextDecoder().decode(json));
}

/** The largest legal report: 100,000 real servers (~20 MiB). */
function largestReport(): Uint8Array {
  const realServers = Array.from({ length: 100_000 }, (_, i) => ({
    virtualServer: `virtual-server-${String(Math.floor(i / 100)).padStart(5, '0')}`,
    realServer: `real-server-${String(i % 100).padStart(3, '0')}`,
    health: 'up',
    weight: 65535,
    activeConnections: 123456789,
    inactiveConnections: 123456789,
    connectionsTotal: 12345678901234,
  }));
  return encode({ appliedRevision: 7, agent, realServers });
}

test('the worker answers as the pure validator does: malformed JSON, invalid fields', async () => {
  for (const bytes of [
    new TextEncoder().encode('{"appliedRevision": '),
    encode({ appliedRevision: -1, agent }),
    new Uint8Array([0xff, 0xfe, 0x7b]),
  ]) {
    assert.deepEqual(await intake.take(bytes.slice(), target), validateReport(bytes));
  }
});

test('without a database the worker hands the validated report back as bytes', async () => {
  const transitions = [
    { instance: 'web', from: 'backup', to: 'master', at: '2026-01-01T00:00:01Z', reason: 'x' },
  ];
  const result = await intake.take(encode({ appliedRevision: 3, agent, transitions }), target);
  assert.ok(result.ok);
  assert.equal(result.appliedRevision, 3);
  assert.deepEqual(result.transitions, transitions);
  assert.ok(result.json instanceof Uint8Array, 'bytes, not a string to copy and collect');
  assert.deepEqual(reportOf(result).realServers, [], 'defaults applied');
});

test('the event loop keeps turning while the largest legal report is taken', async () => {
  const bytes = largestReport();
  let turns = 0;
  let taking = true;
  const spin = () => {
    if (!taking) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  const result = await intake.take(bytes, target);
  taking = false;
  assert.equal(bytes.byteLength, 0, 'the bytes were transferred, not copied');
  assert.equal(reportOf(result).realServers.length, 100_000);
  // Taken in-process, the loop could not turn at all until the parse was done.
  assert.ok(turns > 10, `the event loop turned ${turns} times while the report was taken`);
});

test('an idle worker ends and the next report starts a new one', async () => {
  const idle = new ReportIntake(silentLogger, undefined, 20);
  try {
    const bytes = encode({ appliedRevision: 1, agent });
    assert.ok((await idle.take(bytes.slice(), target)).ok);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(reportOf(await idle.take(bytes.slice(), target)).appliedRevision, 1);
  } finally {
    await idle.close();
  }
});

test('a thread that stores reports refuses a revision ahead of the site and a deleted director', async () => {
  database = await newPgliteDatabase();
  const db = database.db;
  const ahead = await takeReport(encode({ appliedRevision: 5, agent }), { db, target }, true);
  assert.deepEqual(ahead, { ok: false, status: 'ahead', current: undefined });
  const gone = await takeReport(encode({ appliedRevision: null, agent }), { db, target }, true);
  assert.deepEqual(gone, { ok: false, status: 'director-gone' });
  assert.equal(await db.$count(agentStatus), 0, 'no orphan status row');
});

test('a report the thread cannot store for another reason is handed back to be stored', async () => {
  const db = database!.db;
  const notUuid = { ...target, siteId: 'not-a-uuid' };
  const result = await takeReport(
    encode({ appliedRevision: null, agent }),
    { db, target: notUuid },
    false,
  );
  assert.ok(result.ok && result.storeFailed, JSON.stringify(result));
  assert.equal(typeof result.json, 'string');
  assert.equal(reportOf(result).appliedRevision, null);
});
