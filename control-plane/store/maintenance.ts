/**
 * @module Director maintenance (a sub-resource of the director, table director_maintenance):
 * entering and leaving it in one site write (a revision, an audit event), and the check that
 * refuses it when an instance of the director would be left with no other member to carry it.
 *
 * The check believes fresh evidence only (report-evidence.ts): another member can carry an
 * instance when its latest report is fresh, from a running agent, says master or backup for the
 * instance, and the member is not in maintenance itself. A stale or silent member is unknown,
 * hence not a healthy backup. For an instance the director is master of, this is "the best
 * backup it will hand over to exists"; for one it backs up, "a master other than it is there".
 */
import { eq } from 'drizzle-orm';
import type {
  DirectorMaintenance,
  MaintenanceInstance,
  MaintenanceResult,
  VrrpInstanceSpec,
} from '../../contract/index.js';
import type { Tx } from '../db/database.js';
import { directorMaintenance, directors, vrrpInstances } from '../db/schema.js';
import type { EventBus } from '../events/bus.js';
import { notFound, Problem } from '../http/problem.js';
import type { ReportStore } from '../status/report-store.js';
import { getObject, listSiteObjects } from './objects.js';
import { weighInstance } from './report-evidence.js';
import { writeSite } from './site-write.js';

type MaintenanceRow = typeof directorMaintenance.$inferSelect;

const toWire = (row: MaintenanceRow): DirectorMaintenance => ({
  since: row.since.toISOString(),
  actor: row.actor,
  reason: row.reason,
});

/** The directors of a site in maintenance, by director id. */
export async function siteMaintenance(
  tx: Pick<Tx, 'select'>,
  siteId: string,
): Promise<Map<string, DirectorMaintenance>> {
  const rows = await tx
    .select()
    .from(directorMaintenance)
    .where(eq(directorMaintenance.siteId, siteId));
  return new Map(rows.map((r) => [r.directorId, toWire(r)]));
}

/**
 * Each VRRP instance `director` is a member of, weighed at `now`: its master and the other
 * members that could carry it (pure).
 */
export function maintenanceInstances(
  director: string,
  instances: readonly VrrpInstanceSpec[],
  evidence: (instance: VrrpInstanceSpec) => ReturnType<typeof weighInstance>,
  inMaintenance: ReadonlySet<string>,
): MaintenanceInstance[] {
  return instances
    .filter((i) => i.members.some((m) => m.director === director))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((instance) => {
      const weighed = evidence(instance);
      const healthyMembers = weighed.members
        .filter(
          (m) =>
            m.director !== director &&
            (m.state === 'master' || m.state === 'backup') &&
            !inMaintenance.has(m.director),
        )
        .map((m) => m.director);
      return {
        instance: instance.name,
        master: weighed.masters.length === 1 ? weighed.masters[0]! : null,
        handsOver: weighed.masters.includes(director),
        healthyMembers,
      };
    });
}

export interface MaintenanceChange {
  on: boolean;
  force: boolean;
  reason?: string | undefined;
  now: Date;
}

/**
 * Puts `directorName` in maintenance (`on`) or resumes it, in one site write. Entering is
 * refused with 409 naming every instance that no other healthy member could carry, unless
 * `force`. Asking for the state already in force changes nothing (no revision, no audit event).
 */
export async function changeMaintenance(
  deps: { bus: EventBus; reportStore: ReportStore },
  siteName: string,
  directorName: string,
  actor: string,
  change: MaintenanceChange,
): Promise<MaintenanceResult> {
  const { result, revision, changed } = await writeSite(deps, siteName, actor, async (w) => {
    const scope = { siteId: w.site.id, parentId: null };
    const row = await getObject(w.tx, directors, scope, directorName);
    if (!row) throw notFound(`director ${siteName}/${directorName}`);
    const directorRows = await listSiteObjects(w.tx, directors, w.site.id);
    const nameOf = new Map(directorRows.map((r) => [r.id, r.name]));
    const maintenance = await siteMaintenance(w.tx, w.site.id);
    const current = maintenance.get(row.id) ?? null;
    const inMaintenance = new Set([...maintenance.keys()].map((id) => nameOf.get(id) ?? id));
    const instanceSpecs = (await listSiteObjects(w.tx, vrrpInstances, w.site.id)).map(
      (r) => r.spec as VrrpInstanceSpec,
    );
    const reports = await deps.reportStore.latest(w.site.id);
    const idOf = new Map(directorRows.map((r) => [r.name, r.id]));
    const instances = maintenanceInstances(
      directorName,
      instanceSpecs,
      (instance) =>
        weighInstance(
          instance.name,
          instance.members.map((m) => ({
            director: m.director,
            latest: reports.get(idOf.get(m.director) ?? ''),
          })),
          change.now,
        ),
      inMaintenance,
    );
    const resource = `${siteName}/directors/${directorName}/maintenance`;
    if (!change.on) {
      if (current === null) return { maintenance: null, instances };
      await w.tx.delete(directorMaintenance).where(eq(directorMaintenance.directorId, row.id));
      w.record({
        action: 'resume',
        resourceType: 'director-maintenance',
        resource,
        before: current,
        after: null,
      });
      return { maintenance: null, instances };
    }
    if (current !== null) return { maintenance: current, instances };
    const orphaned = instances.filter((i) => i.healthyMembers.length === 0);
    if (orphaned.length > 0 && !change.force) throw refusal(directorName, orphaned);
    const [inserted] = await w.tx
      .insert(directorMaintenance)
      .values({
        directorId: row.id,
        siteId: w.site.id,
        since: change.now,
        actor,
        reason: change.reason ?? null,
      })
      .returning();
    const after = toWire(inserted!);
    w.record({
      action: 'maintenance',
      resourceType: 'director-maintenance',
      resource,
      before: null,
      after: { ...after, forced: change.force && orphaned.length > 0 },
    });
    return { maintenance: after, instances };
  });
  return { director: directorName, revision, changed, ...result };
}

/** 409 naming each instance maintenance would leave without a healthy member. */
function refusal(director: string, orphaned: readonly MaintenanceInstance[]): Problem {
  const names = orphaned.map((i) => i.instance);
  return new Problem(
    409,
    'maintenance-refused',
    'Conflict',
    `maintenance of ${director} would leave ${names.length === 1 ? 'VRRP instance' : 'VRRP instances'} ${names.join(', ')} with no healthy backup (no other member reports master or backup with fresh evidence); force=true to do it anyway`,
    orphaned.map((i) => ({
      path: `instances.${i.instance}`,
      message:
        i.master === director
          ? `${director} is its master and no other member is a healthy backup`
          : 'no other member is healthy (fresh report, master or backup, not in maintenance)',
    })),
  );
}
