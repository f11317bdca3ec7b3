/**
 * @module The status report worker thread (report-intake.ts is the event loop's side). It takes
 * each report it is sent (take-report.ts), one at a time in arrival order, and posts back a small
 * answer with the request's id. On PostgreSQL it stores the reports itself over one connection
 * of its own, opened with the main pool's options (postgres-client.ts); on PGlite it hands the
 * validated report back as transferred bytes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Db } from '../db/database.js';
import { takeReport, type ReportTarget, type TakenReport } from './take-report.js';

export interface WorkerInit {
  /** PostgreSQL's URL: store reports over a connection of this thread's own. */
  databaseUrl: string | undefined;
}

export type WorkerRequest =
  { id: number; bytes: Uint8Array; target: ReportTarget | undefined } | { close: true };

export interface WorkerAnswer {
  id: number;
  /** undefined: the report could not be taken here (the event loop reports why). */
  result: TakenReport | undefined;
}

/** This thread's own connection (one), the main pool's options; on PGlite none is loaded. */
async function connect(url: string) {
  const [{ drizzle }, { postgresClient }, schema] = await Promise.all([
    import('drizzle-orm/postgres-js'),
    import('../db/postgres-client.js'),
    import('../db/schema.js'),
  ]);
  const client = postgresClient(url, 1, 'fleetlb-status-reports');
  const db: Db = drizzle({ client, schema });
  return { client, db };
}

const { databaseUrl } = workerData as WorkerInit;
const { client, db } = databaseUrl ? await connect(databaseUrl) : {};

let queue = Promise.resolve();
parentPort?.on('message', (message: WorkerRequest) => {
  queue = queue.then(async () => {
    if ('close' in message) {
      await client?.end({ timeout: 1 });
      parentPort?.close();
      return;
    }
    let result: TakenReport | undefined;
    try {
      const store = db && message.target ? { db, target: message.target } : undefined;
      result = await takeReport(message.bytes, store, true);
    } catch {
      result = undefined;
    }
    const json = result?.ok ? result.json : undefined;
    const transfer = json instanceof Uint8Array ? [json.buffer as ArrayBuffer] : [];
    parentPort?.postMessage({ id: message.id, result } satisfies WorkerAnswer, transfer);
  });
});
