/**
 * @module Opens the database the control plane runs on: PostgreSQL through postgres.js when a
 * URL is given, else embedded PGlite in a persistent data directory. Both run the same drizzle
 * code, the same migrations and the same LISTEN/NOTIFY.
 */
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { fork } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { postgresClient } from './postgres-client.js';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  /** PostgreSQL's URL, for a thread that opens its own connection (undefined on PGlite). */
  readonly url?: string;
  readonly db: Db;
  /**
   * Subscribes to NOTIFY on `channel`. `onListen` runs each time the subscription is (re)made:
   * notifications sent while it was down are lost, so callers resynchronise there.
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    onListen: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export type DatabaseLocation = { url: string } | { dataDir: string } | { pglite: PGlite };

/** Resolved from this file, not the working directory (drizzle resolves it against cwd). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

const MIGRATION_LOCK = 0x666c62; // 'flb': one replica migrates at a time

/**
 * PGlite runs PostgreSQL's defaults inside this process: 128 MB of shared_buffers alone took the
 * idle control plane past 300 MiB RSS. A control plane's data is small (thousands of rows), so
 * these fit the zero-setup default on a small machine (README, "Memory"); PostgreSQL proper is
 * configured by its operator.
 */
export const PGLITE_SETTINGS = [
  'shared_buffers = 16MB',
  'work_mem = 2MB',
  'maintenance_work_mem = 16MB',
  'temp_buffers = 2MB',
  'wal_buffers = 1MB',
];

/** Opens the database and brings its schema up to date. */
export async function openDatabase(location: DatabaseLocation): Promise<Database> {
  return 'url' in location ? openPostgres(location.url) : openPglite(location);
}

async function openPostgres(url: string): Promise<Database> {
  const client = postgresClient(url, 10);
  const db = drizzlePostgres({ client, schema });
  try {
    const lock = await client.reserve();
    try {
      await lock`select pg_advisory_lock(${MIGRATION_LOCK})`;
      await migratePostgres(db, { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await lock`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
      lock.release();
    }
  } catch (err) {
    await client.end({ timeout: 1 }); // a caller may try again: leave no connections behind
    throw err;
  }
  return {
    kind: 'postgres',
    url,
    db,
    async listen(channel, onPayload, onListen) {
      const subscription = await client.listen(channel, onPayload, onListen);
      return () => subscription.unlisten();
    },
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(location: { dataDir: string } | { pglite: PGlite }): Promise<Database> {
  let pglite: PGlite;
  if ('pglite' in location) pglite = location.pglite;
  else {
    mkdirSync(location.dataDir, { recursive: true });
    if (!existsSync(join(location.dataDir, 'PG_VERSION')))
      await initPgliteDataDir(location.dataDir);
    // Baseline (Liftoff) code only for PostgreSQL's WebAssembly: optimizing all of it (V8's
    // TurboFan tier-up) cost about 90 MiB of RSS for queries that take a millisecond anyway.
    setFlagsFromString('--liftoff-only');
    pglite = await PGlite.create({ dataDir: location.dataDir, postgresqlconf: PGLITE_SETTINGS });
  }
  const db = drizzlePglite({ client: pglite, schema });
  await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return {
    kind: 'pglite',
    db,
    async listen(channel, onPayload, onListen) {
      const unlisten = await pglite.listen(channel, onPayload);
      onListen();
      return unlisten;
    },
    close: () => pglite.close(),
  };
}

/** Runs PGlite's initdb for a new data directory in a short-lived process (pglite-initdb.js). */
function initPgliteDataDir(dataDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(
      fileURLToPath(new URL('./pglite-initdb.js', import.meta.url)),
      [dataDir, JSON.stringify(PGLITE_SETTINGS)],
      { execArgv: [], stdio: 'inherit' },
    );
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`PGlite initdb exited with code ${code}`)),
    );
  });
}
