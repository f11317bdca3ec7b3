/**
 * @module A site's history (table `object_history`): each write keeps the new state of every
 * object it changed under the revision it made, so the whole site at a revision is the newest
 * state of each object at or below it. History begins at a site's creation (or, for sites that
 * predate it, at the revision the migration found them at: `historyStart`).
 */
import { and, asc, desc, eq, lte, min } from 'drizzle-orm';
import {
  keyOfResource,
  keyString,
  type SiteState,
  type StateEntry,
  type StateSpec,
  type StateType,
} from '../compile/site-state.js';
import type { Db, Tx } from '../db/database.js';
import { objectHistory } from '../db/schema.js';
import type { Change } from './site-write.js';

const TYPES = new Set<string>([
  'site',
  'director',
  'vrrp-instance',
  'virtual-server',
  'real-server',
]);

/** Keeps the state each change left its object in (the last change of an object wins). */
export async function recordHistory(
  tx: Tx,
  siteId: string,
  revision: number,
  changes: readonly Change[],
): Promise<void> {
  const rows = new Map<string, typeof objectHistory.$inferInsert>();
  for (const change of changes) {
    if (!TYPES.has(change.resourceType)) continue;
    const key = keyOfResource(change.resourceType as StateType, change.resource);
    const spec = change.stored ?? change.after ?? null;
    rows.set(keyString(key), { siteId, revision, resourceType: key.type, ...key, spec });
  }
  if (rows.size > 0) await tx.insert(objectHistory).values([...rows.values()]);
}

/** The oldest revision whose whole site is kept; undefined when the site has no history. */
export async function historyStart(db: Db | Tx, siteId: string): Promise<number | undefined> {
  const [row] = await db
    .select({ start: min(objectHistory.revision) })
    .from(objectHistory)
    .where(eq(objectHistory.siteId, siteId));
  return row?.start ?? undefined;
}

/** The whole site at `revision` (the caller checks it is at or after `historyStart`). */
export async function stateAt(db: Db | Tx, siteId: string, revision: number): Promise<SiteState> {
  const rows = await db
    .selectDistinctOn([objectHistory.resourceType, objectHistory.parent, objectHistory.name])
    .from(objectHistory)
    .where(and(eq(objectHistory.siteId, siteId), lte(objectHistory.revision, revision)))
    .orderBy(
      asc(objectHistory.resourceType),
      asc(objectHistory.parent),
      asc(objectHistory.name),
      desc(objectHistory.revision),
    );
  const state: SiteState = new Map();
  for (const row of rows) {
    if (row.spec === null) continue;
    const entry: StateEntry = {
      type: row.resourceType as StateType,
      parent: row.parent,
      name: row.name,
      spec: row.spec as StateSpec,
    };
    state.set(keyString(entry), entry);
  }
  // A real server whose virtual server is gone went with it.
  for (const [key, entry] of state)
    if (
      entry.type === 'real-server' &&
      !state.has(keyString({ type: 'virtual-server', parent: '', name: entry.parent }))
    )
      state.delete(key);
  return state;
}
