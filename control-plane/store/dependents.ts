/**
 * @module What else a delete changes: the objects that depend on the one deleted, and what a
 * cascade does to each. A virtual server owns its real servers and is tracked by VRRP instances'
 * `virtual-server` checks; a VRRP instance serves the virtual servers that name it; a director
 * is a member of VRRP instances. A cascade deletes what is owned or served (a virtual server's
 * real servers, an instance's virtual servers) and edits what only refers (a tracked check is
 * removed from its instance, a director from the members; an instance left with no member is
 * deleted). The plan is pure over the site's rows; the route applies and audits it.
 */
import type { Tx } from '../db/database.js';
import {
  directors,
  realServers,
  virtualServers,
  vrrpInstances,
  type SpecTable,
} from '../db/schema.js';
import { listSiteObjects, type ObjectRow } from './objects.js';

export type ObjectType = 'director' | 'vrrp-instance' | 'virtual-server' | 'real-server';
type Spec = Record<string, unknown> & { name: string };

export const TABLES: Record<ObjectType, SpecTable> = {
  director: directors,
  'vrrp-instance': vrrpInstances,
  'virtual-server': virtualServers,
  'real-server': realServers,
};

const PLURAL: Record<ObjectType, string> = {
  director: 'directors',
  'vrrp-instance': 'vrrp-instances',
  'virtual-server': 'virtual-servers',
  'real-server': 'real-servers',
};

/** One change of a delete: the row and its spec after (undefined: deleted), and why. */
export interface PlannedChange {
  type: ObjectType;
  row: ObjectRow;
  after: Spec | undefined;
  /** The audit's resource: `ams1/virtual-servers/web-http/real-servers/web1`. */
  resource: string;
  reason: string;
}

/** A site's rows by type. */
export type SiteRows = Record<ObjectType, ObjectRow[]>;

export async function loadSiteRows(tx: Tx, siteId: string): Promise<SiteRows> {
  const entries = await Promise.all(
    (Object.keys(TABLES) as ObjectType[]).map(
      async (type) => [type, await listSiteObjects(tx, TABLES[type], siteId)] as const,
    ),
  );
  return Object.fromEntries(entries) as SiteRows;
}

/** Children first: the order in which deletions keep every reference valid. */
const DELETE_ORDER: ObjectType[] = ['real-server', 'virtual-server', 'vrrp-instance', 'director'];

/**
 * The changes deleting `root` makes: the root's deletion first, then its dependents'. Updates
 * come before deletions, and deletions children first, which is the order to apply them in.
 */
export function planDelete(
  siteName: string,
  rows: SiteRows,
  rootType: ObjectType,
  rootRow: ObjectRow,
): { root: PlannedChange; dependents: PlannedChange[] } {
  const changes = new Map<string, PlannedChange>();
  const vsName = new Map(rows['virtual-server'].map((r) => [r.id, r.name]));
  const resource = (type: ObjectType, row: ObjectRow) =>
    type === 'real-server'
      ? `${siteName}/virtual-servers/${vsName.get(row.parentId ?? '') ?? ''}/real-servers/${row.name}`
      : `${siteName}/${PLURAL[type]}/${row.name}`;
  const current = (row: ObjectRow) =>
    (changes.has(row.id) ? changes.get(row.id)!.after : row.spec) as Spec | undefined;
  const live = (type: ObjectType) => rows[type].filter((r) => current(r) !== undefined);
  const update = (type: ObjectType, row: ObjectRow, after: Spec, reason: string) =>
    changes.set(row.id, { type, row, after, resource: resource(type, row), reason });

  const remove = (type: ObjectType, row: ObjectRow, reason: string): void => {
    if (current(row) === undefined) return;
    changes.set(row.id, { type, row, after: undefined, resource: resource(type, row), reason });
    const because = `${type} ${row.name} is deleted`;
    if (type === 'director') {
      for (const inst of live('vrrp-instance')) {
        const spec = current(inst)!;
        const members = spec.members as { director: string }[];
        if (!members.some((m) => m.director === row.name)) continue;
        const rest = members.filter((m) => m.director !== row.name);
        if (rest.length === 0) remove('vrrp-instance', inst, `its only member: ${because}`);
        else update('vrrp-instance', inst, { ...spec, members: rest }, `member: ${because}`);
      }
    }
    if (type === 'vrrp-instance') {
      for (const vs of live('virtual-server'))
        if (current(vs)!.vrrpInstance === row.name)
          remove('virtual-server', vs, `served by ${because}`);
    }
    if (type === 'virtual-server') {
      for (const rs of live('real-server'))
        if (rs.parentId === row.id) remove('real-server', rs, `behind ${because}`);
      for (const inst of live('vrrp-instance')) {
        const spec = current(inst)!;
        type Check = { type: string; virtualServer?: string };
        const keep = (checks: Check[]) =>
          checks.filter((c) => !(c.type === 'virtual-server' && c.virtualServer === row.name));
        const checks = (spec.trackedChecks ?? []) as Check[];
        const rest = keep(checks);
        // Members' own tracked checks (a pair imported from keepalived) lose it too.
        const members = (spec.members ?? []) as { trackedChecks?: Check[] }[];
        const keptMembers = members.map((m) =>
          m.trackedChecks === undefined ? m : { ...m, trackedChecks: keep(m.trackedChecks) },
        );
        const memberChanged = keptMembers.some(
          (m, i) => m.trackedChecks?.length !== members[i]!.trackedChecks?.length,
        );
        if (rest.length < checks.length || memberChanged)
          update(
            'vrrp-instance',
            inst,
            { ...spec, trackedChecks: rest, members: keptMembers },
            `tracks ${because}`,
          );
      }
    }
  };

  remove(rootType, rootRow, 'deleted');
  const all = [...changes.values()];
  const root = changes.get(rootRow.id)!;
  const dependents = [
    ...all.filter((c) => c.after !== undefined),
    ...DELETE_ORDER.flatMap((type) =>
      all.filter((c) => c.after === undefined && c.type === type && c !== root),
    ),
  ];
  return { root, dependents };
}

/** Every object of a site as a deletion, children first (a site deleted with cascade). */
export function planSiteDelete(siteName: string, rows: SiteRows): PlannedChange[] {
  return DELETE_ORDER.flatMap((type) =>
    rows[type].map((row) => planDelete(siteName, rows, type, row).root),
  );
}
