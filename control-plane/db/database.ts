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
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  readonly kind: 'pglite' | 'postgres';
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
const CONNECT_TIMEOUT_S = 5;
const RECONNECT_MAX_S = 0.5;

/** Opens the database and brings its schema up to date. */
export async function openDatabase(location: DatabaseLocation): Promise<Database> {
  return 'url' in location ? openPostgres(location.url) : openPglite(location);
}

async function openPostgres(url: string): Promise<Database> {
  const client = postgres(url, {
    max: 10,
    onnotice: () => {},
    connection: { application_name: 'fleetlb' },
    // A refused or black-holed server fails a request in seconds (answered 503), not 30 s.
    connect_timeout: CONNECT_TIMEOUT_S,
    // postgres.js waits up to 20 s between reconnects after repeated failures; capped at
    // RECONNECT_MAX_S so a database that comes back is in use again within about a second.
    backoff: (retries: number) =>
      Math.min(0.05 * 2 ** retries, RECONNECT_MAX_S) * (0.5 + Math.random() / 2),
  });
  const db = drizzlePostgres({ client, schema });
  const lock = await client.reserve();
  try {
    await lock`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migratePostgres(db, { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await lock`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    lock.release();
  }
  return {
    kind: 'postgres',
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
    pglite = await PGlite.create(location.dataDir);
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
