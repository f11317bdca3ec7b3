/**
 * @module `fleetlb status [--site S]`: per site, who owns each VRRP instance's VIPs (split brain
 * and no-master flagged) and which directors are stale (no fresh report), stopped or behind (have
 * not applied the current revision), from the API's fleet views, which count only fresh evidence
 * (control-plane/store/report-evidence.ts). Its exit code says the worst it shows, so that a
 * deploy job or a cron can act on it (exit-codes.ts).
 */
import type { Condition } from '../../../contract/agent-status.js';
import type {
  DirectorStatus,
  DirectorsStatusView,
  VrrpInstanceStatus,
  VrrpMemberStatus,
  VrrpStatusView,
} from '../../../contract/fleet-view.js';
import type { SiteResource } from '../../../contract/object-resource.js';
import { SITE_OPTION, stringOption, type Command } from '../command.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { serialize } from '../output.js';
import { renderTable } from '../table.js';

/** What `status` reads of the fleet views (contract/fleet-view.ts). */
type VrrpMember = Pick<VrrpMemberStatus, 'director' | 'state' | 'vipsOwned' | 'handingOver'>;
type VrrpInstance = Pick<
  VrrpInstanceStatus,
  'name' | 'vrid' | 'masters' | 'splitBrain' | 'noMaster'
> & { members: VrrpMember[] };
type Director = Pick<
  DirectorStatus,
  'name' | 'address' | 'reportedAt' | 'stale' | 'stopped' | 'appliedRevision' | 'behind'
> &
  /** In maintenance (desired state), null in service; absent from older control planes. */
  Partial<Pick<DirectorStatus, 'maintenance'>> & {
    errors: unknown[];
    conditions: Pick<Condition, 'type' | 'object' | 'message'>[];
    agent: { maintenance?: boolean | undefined } | null;
    ipvsSync?: { wanted: string; running: { role: string }[] } | null;
  };
interface SiteStatus {
  site: string;
  revision: number;
  instances: VrrpInstance[];
  directors: Director[];
}

const flags = (pairs: [boolean, string][]) =>
  pairs
    .filter(([on]) => on)
    .map(([, text]) => text)
    .join(',');

/**
 * The sync daemon a director's VRRP state asks for, and whether its kernel runs it: `backup`,
 * `master`, `backup:NOT-RUNNING`; `unknown` without fresh evidence, `-` without sync.
 */
function syncColumn(d: DirectorStatus): string {
  if (!d.ipvsSync) return '-';
  if (d.stale || d.stopped) return 'unknown';
  const running = d.ipvsSync.running.some((r) => r.role === d.ipvsSync!.wanted);
  return running ? d.ipvsSync.wanted : `${d.ipvsSync.wanted}:NOT-RUNNING`;
}

export function renderSiteStatus(s: SiteStatus): string {
  const vrrp = renderTable(
    [
      { header: 'VRRP-INSTANCE', value: (i: VrrpInstance) => i.name },
      { header: 'VRID', value: (i) => String(i.vrid) },
      { header: 'MASTER', value: (i) => i.masters.join(',') },
      { header: 'VIPS-OWNED', value: (i) => i.members.flatMap((m) => m.vipsOwned).join(',') },
      {
        header: 'MEMBERS',
        value: (i) =>
          i.members
            .map((m) => `${m.director}:${m.state}${m.handingOver ? '(handing-over)' : ''}`)
            .join(','),
      },
      {
        header: 'FLAGS',
        value: (i) =>
          flags([
            [i.splitBrain, 'SPLIT-BRAIN'],
            [i.noMaster, 'NO-MASTER'],
          ]),
      },
    ],
    s.instances,
  );
  const directors = renderTable(
    [
      { header: 'DIRECTOR', value: (d: Director) => d.name },
      { header: 'ADDRESS', value: (d) => d.address },
      { header: 'APPLIED', value: (d) => `${d.appliedRevision ?? '-'}/${s.revision}` },
      { header: 'LAST-REPORT', value: (d) => d.reportedAt ?? 'never' },
      // Only when a director of the site enables sync: no column of dashes otherwise.
      ...(s.directors.some((d) => d.ipvsSync) ? [{ header: 'IPVS-SYNC', value: syncColumn }] : []),
      {
        header: 'FLAGS',
        value: (d) =>
          flags([
            [d.stale, 'STALE'],
            [d.stopped, 'STOPPED'],
            [d.behind, 'BEHIND'],
            [isInMaintenance(d), 'MAINTENANCE'],
            [isInMaintenance(d) && d.agent?.maintenance !== true, 'MAINTENANCE-PENDING'],
            [d.errors.length > 0, `${d.errors.length}-ERRORS`],
            [d.conditions.length > 0, `${d.conditions.length}-CONDITIONS`],
          ]),
      },
    ],
    s.directors,
  );
  const conditions = s.directors.flatMap((d) =>
    d.conditions.map((c) => ({ director: d.name, ...c })),
  );
  const conditionTable =
    conditions.length === 0
      ? ''
      : `\n${renderTable(
          [
            { header: 'DIRECTOR', value: (c: (typeof conditions)[number]) => c.director },
            { header: 'CONDITION', value: (c) => c.type },
            { header: 'OBJECT', value: (c) => `${c.object.kind}/${c.object.name}` },
          ],
          conditions,
        )}`;
  return `site ${s.site}: revision ${s.revision}\n\n${vrrp}\n${directors}${conditionTable}`;
}

const isInMaintenance = (d: Director) => d.maintenance !== undefined && d.maintenance !== null;

/** The worst condition the sites show, as an exit code: split brain, no master, a director not fresh. */
export function statusExitCode(sites: readonly SiteStatus[]): ExitCode {
  const instances = sites.flatMap((s) => s.instances);
  if (instances.some((i) => i.splitBrain)) return EXIT.splitBrain;
  if (instances.some((i) => i.noMaster)) return EXIT.noMaster;
  const unknownMember = instances.some((i) =>
    i.members.some((m) => m.state === 'unknown' || m.state === 'stopped'),
  );
  const notFresh = sites.some((s) => s.directors.some((d) => d.stale || d.stopped));
  return unknownMember || notFresh ? EXIT.notFresh : EXIT.ok;
}

export const statusCommand: Command = {
  words: ['status'],
  summary: 'VIP owners per VRRP instance, split brain, no master, stale or behind directors',
  usage: '[--site SITE]',
  description: [
    'Without --site, every site. Only fresh evidence counts: a report is fresh for twice its',
    "agent's report interval (5 s by default) plus 2 s; a member whose report is stale, or who",
    'claimed MASTER before another member reported taking over, is unknown, never a master.',
    'FLAGS: SPLIT-BRAIN (more than one master), NO-MASTER, STALE (no fresh report), STOPPED (the',
    "agent's last report said it stopped cleanly), BEHIND (current revision not applied),",
    'MAINTENANCE (in maintenance: `fleetlb director maintenance`), MAINTENANCE-PENDING (its agent',
    'does not report running in maintenance yet),',
    'N-ERRORS (reported errors), N-CONDITIONS (objects of its document the director cannot put in',
    'force, listed below the directors: e.g. ipvs-unavailable, a virtual server on a kernel without',
    'IPVS; VRRP and health checks run). IPVS-SYNC: the connection sync daemon the director runs',
    '(master on the MASTER of the instance sync follows, backup elsewhere), NOT-RUNNING when the',
    'kernel does not run it, unknown without fresh evidence; shown when a director enables sync.',
    'Exits 8 on a split brain, else 9 on no master, else 10 when a director is stale, stopped or',
    'unknown in an instance, else 0.',
  ].join('\n'),
  options: SITE_OPTION,
  args: { min: 0, max: 0 },
  async run(inv) {
    const client = inv.client();
    const named = stringOption(inv.options, 'site');
    const sites =
      named !== undefined
        ? [named]
        : (await client.listAll<SiteResource>('/v1/sites')).map((s) => s.name);
    const statuses: SiteStatus[] = [];
    for (const site of sites) {
      const base = `/v1/sites/${encodeURIComponent(site)}`;
      const vrrp = (await client.get<VrrpStatusView>(`${base}/vrrp-status`)).body;
      const directors = (await client.get<DirectorsStatusView>(`${base}/directors-status`)).body;
      statuses.push({ ...vrrp, directors: directors.directors });
    }
    if (inv.globals.output !== 'table')
      inv.out(serialize(named !== undefined ? statuses[0] : statuses, inv.globals.output));
    else inv.out(statuses.length === 0 ? 'no sites\n' : statuses.map(renderSiteStatus).join('\n'));
    return statusExitCode(statuses);
  },
};
