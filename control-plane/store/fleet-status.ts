/**
 * @module What the directors of a site last reported (table agent_status) and which directors
 * carry a virtual server. Read by the fleet views (which weigh the reports with
 * report-evidence.ts) and by drain waits.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { AgentStatus } from '../../contract/index.js';
import type { Db, Tx } from '../db/database.js';
import { agentStatus } from '../db/schema.js';
import type { DirectorReport } from './report-evidence.js';

export type { DirectorReport };

/** The latest report of every director of a site (or of `only` them) that ever reported, by director id. */
export async function latestReports(
  db: Db | Tx,
  siteId: string,
  only?: readonly string[],
): Promise<Map<string, DirectorReport>> {
  const site = eq(agentStatus.siteId, siteId);
  const rows = await db
    .select()
    .from(agentStatus)
    .where(only ? and(site, inArray(agentStatus.directorId, [...only])) : site);
  return new Map(
    rows.map((row) => [
      row.directorId,
      // Stored after validation against AgentStatus, so its defaults are filled in.
      {
        reportedAt: row.reportedAt,
        appliedRevision: row.appliedRevision,
        report: row.report as AgentStatus,
      },
    ]),
  );
}

/**
 * The names of the directors whose documents carry a virtual server: the members of its VRRP
 * instance, or every director of the site when it has none (as compile/desired-state.ts decides).
 */
export function carriersOf(
  virtualServer: { vrrpInstance?: string | undefined },
  instances: readonly { name: string; members: readonly { director: string }[] }[],
  directorNames: readonly string[],
): string[] {
  if (virtualServer.vrrpInstance === undefined) return [...directorNames];
  const instance = instances.find((i) => i.name === virtualServer.vrrpInstance);
  const members = new Set(instance?.members.map((m) => m.director) ?? []);
  return directorNames.filter((name) => members.has(name));
}
