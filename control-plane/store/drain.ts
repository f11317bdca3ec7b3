/**
 * @module Deploy operations on real servers: drain, restore and weight changes, for one real
 * server or every real server of a site matching a label selector, in one revision; and the wait
 * for a drain to take effect (every director carrying the real server applied the revision and
 * reports no active connection to it), woken by status reports rather than by polling.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  RealServerSpec,
  matchesSelector,
  type AffectedRealServer,
  type AgentStatus,
  type DrainReason,
  type DrainStraggler,
  type RealServerStatus,
  type Selector,
  type VrrpInstanceSpec,
  type WritePreview,
} from '../../contract/index.js';
import type { Tx } from '../db/database.js';
import { directors, realServers, virtualServers, vrrpInstances } from '../db/schema.js';
import type { EventBus, FleetEvent } from '../events/bus.js';
import { notFound, Problem } from '../http/problem.js';
import type { ReportStore } from '../status/report-store.js';
import { carriersOf } from './fleet-status.js';
import { getObject, listSiteObjects, updateObject } from './objects.js';
import { loadSiteRealServers } from './site-model.js';
import { writeSite, type WriteOptions } from './site-write.js';
import { readStoredSpec } from './stored-spec.js';

/** Which real servers an operation applies to. */
export type RealServerTarget =
  { virtualServer: string; name: string } | { selector: Selector; text: string };

/** An operation: its audit action and the spec it turns a real server's spec into. */
export interface RealServerChange {
  action: 'drain' | 'restore' | 'weight';
  apply(spec: RealServerSpec): RealServerSpec;
}

export const drainChange: RealServerChange = {
  action: 'drain',
  apply: (spec) => ({ ...spec, adminState: 'draining' }),
};
export const restoreChange: RealServerChange = {
  action: 'restore',
  apply: (spec) => ({ ...spec, adminState: 'enabled' }),
};
export const weightChange = (weight: number): RealServerChange => ({
  action: 'weight',
  apply: (spec) => ({ ...spec, weight }),
});

export type { AffectedRealServer, DrainReason, DrainStraggler };

/** A real server as a drain waits for it: the directors that carry it, by id and name. */
export interface DrainTarget {
  virtualServer: string;
  realServer: string;
  directors: { id: string; name: string }[];
}

export interface RealServerChangeResult {
  siteId: string;
  /** The revision that carries the change (the current one when nothing changed). */
  revision: number;
  changed: boolean;
  realServers: AffectedRealServer[];
  targets: DrainTarget[];
  /** With `dryRun`: what the change would do (nothing was changed). */
  preview?: WritePreview;
}

/**
 * Applies `change` to the targeted real servers in one site write: one revision bump and one
 * audit event per real server that actually changed, nothing at all when none did.
 * 404 when the site, virtual server or real server does not exist or the selector matches none.
 */
export async function changeRealServers(
  deps: { bus: EventBus },
  siteName: string,
  actor: string,
  target: RealServerTarget,
  change: RealServerChange,
  options: WriteOptions = {},
): Promise<RealServerChangeResult> {
  const { result, revision, changed, preview } = await writeSite(
    deps,
    siteName,
    actor,
    async (w) => {
      const selected = await selectRealServers(w.tx, w.site.id, siteName, target);
      const affected: AffectedRealServer[] = [];
      for (const { row, virtualServer, spec } of selected) {
        const after = change.apply(spec);
        const differs = !isDeepStrictEqual(spec, after);
        if (differs) {
          await updateObject(w.tx, realServers, row.id, after);
          w.record({
            action: change.action,
            resourceType: 'real-server',
            resource: `${siteName}/virtual-servers/${virtualServer}/real-servers/${spec.name}`,
            before: spec,
            after,
          });
        }
        affected.push({
          virtualServer,
          name: spec.name,
          adminState: after.adminState,
          weight: after.weight,
          changed: differs,
        });
      }
      return {
        siteId: w.site.id,
        affected,
        targets: await drainTargets(w.tx, w.site.id, affected),
      };
    },
    options,
  );
  return {
    siteId: result.siteId,
    revision,
    changed,
    realServers: result.affected,
    targets: result.targets,
    ...(preview ? { preview } : {}),
  };
}

/** The targeted real servers, ordered by virtual server then name; 404 when there are none. */
async function selectRealServers(
  tx: Tx,
  siteId: string,
  siteName: string,
  target: RealServerTarget,
) {
  if ('selector' in target) {
    const selected = (await loadSiteRealServers(tx, siteId))
      .filter((rs) => matchesSelector(target.selector, rs.spec.labels))
      .sort((a, b) =>
        a.virtualServer < b.virtualServer ? -1 : a.virtualServer > b.virtualServer ? 1 : 0,
      );
    if (selected.length > 0) return selected;
    throw new Problem(
      404,
      'not-found',
      'Not found',
      `no real server of site ${siteName} matches the selector "${target.text}"`,
    );
  }
  const vs = await getObject(tx, virtualServers, { siteId, parentId: null }, target.virtualServer);
  if (!vs) throw notFound(`virtual server ${siteName}/${target.virtualServer}`);
  const row = await getObject(tx, realServers, { siteId, parentId: vs.id }, target.name);
  if (!row) throw notFound(`real server ${siteName}/${target.virtualServer}/${target.name}`);
  return [{ row, virtualServer: vs.name, spec: readStoredSpec(RealServerSpec, row.spec) }];
}

/** The directors carrying each affected real server, read in the write's transaction. */
async function drainTargets(
  tx: Tx,
  siteId: string,
  affected: AffectedRealServer[],
): Promise<DrainTarget[]> {
  const directorRows = await listSiteObjects(tx, directors, siteId);
  const instances = (await listSiteObjects(tx, vrrpInstances, siteId)).map(
    (r) => r.spec as VrrpInstanceSpec,
  );
  const vsInstance = new Map(
    (await listSiteObjects(tx, virtualServers, siteId)).map((r) => [
      r.name,
      (r.spec as { vrrpInstance?: string }).vrrpInstance,
    ]),
  );
  const idOf = new Map(directorRows.map((r) => [r.name, r.id]));
  return affected.map((rs) => ({
    virtualServer: rs.virtualServer,
    realServer: rs.name,
    directors: carriersOf({ vrrpInstance: vsInstance.get(rs.virtualServer) }, instances, [
      ...idOf.keys(),
    ]).map((name) => ({
      name,
      id: idOf.get(name)!,
    })),
  }));
}

/** Who still holds up the drain of `targets` at `revision`, from the directors' latest reports. */
export async function drainStragglers(
  reportStore: ReportStore,
  siteId: string,
  revision: number,
  targets: DrainTarget[],
): Promise<DrainStraggler[]> {
  const reports = await reportStore.latest(siteId, [
    ...new Set(targets.flatMap((t) => t.directors.map((d) => d.id))),
  ]);
  const entries = new Map<string, Map<string, RealServerStatus>>(); // director id -> "vs/rs" -> entry, built on first use
  const entryOf = (directorId: string, report: AgentStatus, key: string) => {
    let index = entries.get(directorId);
    if (!index)
      entries.set(
        directorId,
        (index = new Map(report.realServers.map((r) => [`${r.virtualServer}/${r.realServer}`, r]))),
      );
    return index.get(key);
  };
  const stragglers: DrainStraggler[] = [];
  for (const target of targets) {
    for (const director of target.directors) {
      const latest = reports.get(director.id);
      const entry =
        latest &&
        entryOf(director.id, latest.report, `${target.virtualServer}/${target.realServer}`);
      const where = {
        director: director.name,
        virtualServer: target.virtualServer,
        realServer: target.realServer,
      };
      const appliedRevision = latest?.appliedRevision ?? null;
      const activeConnections = entry?.activeConnections ?? null;
      let reason: DrainReason | undefined;
      if (!latest) reason = 'no-report';
      else if (appliedRevision === null || appliedRevision < revision) reason = 'not-applied';
      else if (!entry) reason = 'not-reported';
      else if (entry.activeConnections > 0) reason = 'connections';
      if (reason) stragglers.push({ ...where, reason, appliedRevision, activeConnections });
    }
  }
  return stragglers;
}

/**
 * Waits up to `waitMs` (or until `signal` aborts) for a drain to complete, re-reading the reports
 * whenever one of the carrying directors reports; returns what still holds it up (empty: drained).
 * The next wake-up is armed before each read, so a report landing in between is not missed.
 */
export async function waitForDrain(
  deps: { reportStore: ReportStore; bus: EventBus },
  siteId: string,
  revision: number,
  targets: DrainTarget[],
  waitMs: number,
  signal: AbortSignal,
): Promise<DrainStraggler[]> {
  const deadline = Date.now() + waitMs;
  const carriers = new Set(targets.flatMap((t) => t.directors.map((d) => d.id)));
  const concerns = (e: FleetEvent) =>
    e.type === 'status' && e.siteId === siteId && carriers.has(e.directorId);
  for (;;) {
    const stop = new AbortController();
    const left = deadline - Date.now();
    const woken =
      left > 0 && !signal.aborted
        ? deps.bus.waitFor(siteId, concerns, left, AbortSignal.any([signal, stop.signal]))
        : undefined;
    const stragglers = await drainStragglers(deps.reportStore, siteId, revision, targets);
    if (stragglers.length === 0 || !woken) {
      stop.abort();
      return stragglers;
    }
    await woken;
  }
}
