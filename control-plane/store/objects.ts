/**
 * @module Generic access to fleet objects (directors, VRRP instances, virtual servers, real
 * servers): all four tables share one shape, keyed by (site, parent, name), with a `version`
 * for optimistic concurrency.
 */
import { and, asc, eq, gt, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/database.js';
import type { SpecTable } from '../db/schema.js';

export type ObjectRow = SpecTable['$inferSelect'];

export interface Scope {
  siteId: string;
  /** The virtual server of real servers; null for site-level objects. */
  parentId: string | null;
}

function inScope(table: SpecTable, scope: Scope): SQL {
  const parent =
    scope.parentId === null ? isNull(table.parentId) : eq(table.parentId, scope.parentId);
  return and(eq(table.siteId, scope.siteId), parent) as SQL;
}

export async function getObject(
  db: Db | Tx,
  table: SpecTable,
  scope: Scope,
  name: string,
): Promise<ObjectRow | undefined> {
  const [row] = await db
    .select()
    .from(table)
    .where(and(inScope(table, scope), eq(table.name, name)))
    .limit(1);
  return row;
}

/** Rows of a scope in name order, after `after` (exclusive), at most `limit` (all if undefined). */
export async function listObjects(
  db: Db | Tx,
  table: SpecTable,
  scope: Scope,
  page: { after?: string | undefined; limit?: number | undefined } = {},
): Promise<ObjectRow[]> {
  const where =
    page.after === undefined
      ? inScope(table, scope)
      : and(inScope(table, scope), gt(table.name, page.after));
  const query = db.select().from(table).where(where).orderBy(asc(table.name));
  return page.limit === undefined ? query : query.limit(page.limit);
}

/** Every row of a table in a site (any parent), for snapshots and selectors. */
export async function listSiteObjects(
  db: Db | Tx,
  table: SpecTable,
  siteId: string,
): Promise<ObjectRow[]> {
  return db.select().from(table).where(eq(table.siteId, siteId)).orderBy(asc(table.name));
}

export async function insertObject(
  tx: Tx,
  table: SpecTable,
  scope: Scope,
  name: string,
  spec: unknown,
): Promise<ObjectRow> {
  const [row] = await tx
    .insert(table)
    .values({ siteId: scope.siteId, parentId: scope.parentId, name, spec })
    .returning();
  if (!row) throw new Error(`insert into ${String(table)} returned nothing`);
  return row;
}

/** Replaces a row's spec and bumps its version. The caller holds the site lock. */
export async function updateObject(
  tx: Tx,
  table: SpecTable,
  id: string,
  spec: unknown,
): Promise<ObjectRow> {
  const [row] = await tx
    .update(table)
    .set({ spec, version: sql`${table.version} + 1`, updatedAt: sql`now()` })
    .where(eq(table.id, id))
    .returning();
  if (!row) throw new Error(`update of ${id} returned nothing`);
  return row;
}

export async function deleteObject(tx: Tx, table: SpecTable, id: string): Promise<void> {
  await tx.delete(table).where(eq(table.id, id));
}
