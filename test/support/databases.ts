/**
 * @module Databases for tests: PGlite from a migrated template (initdb costs ~3 s; loading a
 * dumped template well under 1 s), and a fresh PostgreSQL database per suite on the server at
 * FLEETLB_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { PGlite } from '@electric-sql/pglite';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { MIGRATIONS_FOLDER, openDatabase, type Database } from '../../control-plane/db/database.js';
import { prerequisite } from './tier.js';

export const POSTGRES_URL =
  process.env.FLEETLB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_FOLDER)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    hash.update(file).update(readFileSync(join(MIGRATIONS_FOLDER, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** A migrated, empty PGlite database of its own. */
export async function newPgliteDatabase(): Promise<Database> {
  const template = join(tmpdir(), `fleetlb-pglite-template-${migrationsHash()}.tar`);
  if (!existsSync(template)) {
    const fresh = await PGlite.create();
    await openDatabase({ pglite: fresh }); // migrates
    const dump = await fresh.dumpDataDir('none');
    const partial = `${template}.${process.pid}`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, template); // atomic: concurrent test files never read half a template
    await fresh.close();
  }
  const pglite = await PGlite.create({ loadDataDir: new Blob([readFileSync(template)]) });
  return openDatabase({ pglite });
}

/** Whether the PostgreSQL server answers (cached per process). */
let reachable: Promise<boolean> | undefined;
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const sql = postgres(POSTGRES_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
    try {
      await sql`select 1`;
      return true;
    } catch {
      return false;
    } finally {
      await sql.end({ timeout: 1 });
    }
  })();
  return reachable;
}

/** Skip reason for the PostgreSQL tier (false when it can run); throws in CI when unreachable. */
export async function postgresTier(): Promise<false | string> {
  return prerequisite(
    await postgresReachable(),
    `no PostgreSQL at ${POSTGRES_URL} (set FLEETLB_TEST_DATABASE_URL)`,
  );
}

/** Creates an empty database on the server; returns its URL and a function that drops it. */
export async function newPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `fleetlb_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(POSTGRES_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const sql = postgres(POSTGRES_URL, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop database if exists ${name} with (force)`);
      await sql.end();
    },
  };
}
