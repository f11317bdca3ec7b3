/**
 * @module Makes a site's rows equal to a version of it (a rollback): the live rows read as a
 * site state, the differences written children-first for deletions and parents-first for the
 * rest, each recorded as one `rollback` change (audit before → after, history). Runs inside the
 * caller's site write (store/site-write.ts), which validated the target and makes the revision.
 */
import { eq, sql } from 'drizzle-orm';
import type { ObjectDiff } from '../../contract/index.js';
import {
  keyString,
  type KeyedDiff,
  type SiteState,
  type StateEntry,
  type StateSpec,
  type StateType,
} from '../compile/site-state.js';
import { sites } from '../db/schema.js';
import { publish } from '../events/bus.js';
import { loadSiteRows, TABLES, type ObjectType } from './dependents.js';
import { deleteObject, insertObject, updateObject, type ObjectRow } from './objects.js';
import type { SiteWrite } from './site-write.js';

export interface LiveState {
  state: SiteState;
  /** keyString -> row, for the objects (not the site). */
  rows: Map<string, ObjectRow>;
}

/** The site as its rows hold it now, inside the write. */
export async function liveState(w: SiteWrite): Promise<LiveState> {
  const rows = await loadSiteRows(w.tx, w.site.id);
  const vsName = new Map(rows['virtual-server'].map((r) => [r.id, r.name]));
  const state: SiteState = new Map();
  const byKey = new Map<string, ObjectRow>();
  const site: StateEntry = {
    type: 'site',
    parent: '',
    name: w.site.name,
    spec: w.site.spec as StateSpec,
  };
  state.set(keyString(site), site);
  for (const type of Object.keys(TABLES) as ObjectType[])
    for (const row of rows[type]) {
      const parent = type === 'real-server' ? (vsName.get(row.parentId ?? '') ?? '') : '';
      const entry: StateEntry = { type, parent, name: row.name, spec: row.spec as StateSpec };
      state.set(keyString(entry), entry);
      byKey.set(keyString(entry), row);
    }
  return { state, rows: byKey };
}

const DELETE_ORDER: readonly StateType[] = [
  'real-server',
  'virtual-server',
  'vrrp-instance',
  'director',
];
const WRITE_ORDER: readonly StateType[] = [
  'site',
  'director',
  'vrrp-instance',
  'virtual-server',
  'real-server',
];

/**
 * Writes `diffs` (from the live state to the target) and records each as a change; `audit`
 * gives the audit log's image of a spec (secrets redacted).
 */
export async function writeDiffs(
  w: SiteWrite,
  live: LiveState,
  diffs: readonly KeyedDiff[],
  audit: (type: StateType, spec: StateSpec) => unknown,
): Promise<void> {
  const record = (d: ObjectDiff) =>
    w.record({
      action: 'rollback',
      resourceType: d.resourceType,
      resource: d.resource,
      before: d.before && audit(d.resourceType, d.before as StateSpec),
      after: d.after && audit(d.resourceType, d.after as StateSpec),
      stored: d.after,
    });
  for (const type of DELETE_ORDER)
    for (const d of diffs.filter((x) => x.resourceType === type && x.change === 'deleted')) {
      await deleteObject(w.tx, TABLES[type as ObjectType], live.rows.get(d.key)!.id);
      record(d);
      if (type === 'director') await publish(w.tx, { type: 'tokens' }); // its agent tokens went with it
    }
  const vsIds = new Map(
    [...live.rows].filter(([, r]) => r.parentId === null).map(([k, r]) => [k, r.id]),
  );
  for (const type of WRITE_ORDER)
    for (const d of diffs.filter((x) => x.resourceType === type && x.change !== 'deleted')) {
      record(d);
      if (type === 'site') {
        await w.tx
          .update(sites)
          .set({ spec: d.after, version: sql`${sites.version} + 1`, updatedAt: sql`now()` })
          .where(eq(sites.id, w.site.id));
        continue;
      }
      const table = TABLES[type as ObjectType];
      const existing = live.rows.get(d.key);
      if (existing) {
        await updateObject(w.tx, table, existing.id, d.after);
        continue;
      }
      const parentId =
        type === 'real-server'
          ? (vsIds.get(keyString({ type: 'virtual-server', parent: '', name: d.parent })) ?? null)
          : null;
      const row = await insertObject(w.tx, table, { siteId: w.site.id, parentId }, d.name, d.after);
      if (type === 'virtual-server') vsIds.set(d.key, row.id);
    }
}
