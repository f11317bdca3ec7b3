/**
 * @module Reads one site at one revision: the site row and all its objects in a single
 * REPEATABLE READ, read-only transaction, so the snapshot is consistent with its revision.
 */
import { eq } from 'drizzle-orm';
import {
  DirectorSpec,
  RealServerSpec,
  VirtualServerSpec,
  VrrpInstanceSpec,
} from '../../contract/index.js';
import type { SiteSnapshot } from '../compile/desired-state.js';
import type { Db, Tx } from '../db/database.js';
import { directors, realServers, sites, virtualServers, vrrpInstances } from '../db/schema.js';
import { siteMaintenance } from './maintenance.js';
import { listSiteObjects } from './objects.js';
import { readStoredSpec } from './stored-spec.js';

export interface LoadedSnapshot extends SiteSnapshot {
  siteId: string;
  /** director name -> id */
  directorIds: Map<string, string>;
}

/** Loads everything a site's documents are compiled from; undefined if the site is gone. */
export async function loadSnapshot(db: Db, siteId: string): Promise<LoadedSnapshot | undefined> {
  return db.transaction(async (tx) => readSnapshot(tx, siteId), {
    isolationLevel: 'repeatable read',
    accessMode: 'read only',
  });
}

/** The same read inside a transaction the caller holds (a write's, to preview its effect). */
export async function readSnapshot(tx: Tx, siteId: string): Promise<LoadedSnapshot | undefined> {
  // Sent together: PostgreSQL (postgres.js) pipelines them on the transaction's connection, so the
  // snapshot costs one round trip instead of six; PGlite queues them. The long-polls of every
  // director of the site wait on this after each change.
  const [[site], directorRows, instanceRows, vsRows, rsRows, maintenance] = await Promise.all([
    tx.select().from(sites).where(eq(sites.id, siteId)),
    listSiteObjects(tx, directors, siteId),
    listSiteObjects(tx, vrrpInstances, siteId),
    listSiteObjects(tx, virtualServers, siteId),
    listSiteObjects(tx, realServers, siteId),
    siteMaintenance(tx, siteId),
  ]);
  if (!site) return undefined;
  const rsByParent = new Map<string, RealServerSpec[]>();
  for (const row of rsRows) {
    const list = rsByParent.get(row.parentId ?? '') ?? [];
    list.push(readStoredSpec(RealServerSpec, row.spec));
    rsByParent.set(row.parentId ?? '', list);
  }
  return {
    siteId,
    site: { name: site.name, revision: site.revision },
    directorIds: new Map(directorRows.map((r) => [r.name, r.id])),
    maintenance: new Map(
      directorRows.flatMap((r) => {
        const m = maintenance.get(r.id);
        return m ? [[r.name, m] as const] : [];
      }),
    ),
    directors: directorRows.map((r) => readStoredSpec(DirectorSpec, r.spec)),
    vrrpInstances: instanceRows.map((r) => readStoredSpec(VrrpInstanceSpec, r.spec)),
    virtualServers: vsRows.map((r) => ({
      ...readStoredSpec(VirtualServerSpec, r.spec),
      realServers: rsByParent.get(r.id) ?? [],
    })),
  };
}

/** The current revision of a site, straight from the database. */
export async function readRevision(db: Db, siteId: string): Promise<number | undefined> {
  const [row] = await db
    .select({ revision: sites.revision })
    .from(sites)
    .where(eq(sites.id, siteId));
  return row?.revision;
}
