/**
 * @module `fleetlb status [--site S]`: per site, who owns each VRRP instance's VIPs (split brain
 * and no-master flagged) and which directors are stale (no fresh report), stopped or behind (have
 * not applied the current revision), from the API's fleet views, which count only fresh evidence
 * (control-plane/store/report-evidence.ts). Its exit code says the worst it shows, so that a
 * deploy job or a cron can act on it (exit-codes.ts).
 */
import { SITE_OPTION, stringOption, type Command } from '../command.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { serialize } from '../output.js';
import { renderTable } from '../table.js';

interface VrrpMember {
  director: string;
  /** What the evidence supports: a VRRP state, unknown or stopped. */
  state: string;
  vipsOwned: string[];
}
interface VrrpInstanceStatus {
  name: string;
  vrid: number;
  members: VrrpMember[];
  masters: string[];
  splitBrain: boolean;
  noMaster: boolean;
}
interface DirectorStatus {
  name: string;
  address: string;
  reportedAt: string | null;
  stale: boolean;
  stopped: boolean;
  appliedRevision: number | null;
  behind: boolean;
  errors: unknown[];
  conditions: Condition[];
  ipvsSync?: { wanted: string; running: { role: string }[] } | null;
}
interface Condition {
  type: string;
  object: { kind: string; name: string };
  message: string;
}
interface SiteStatus {
  site: string;
  revision: number;
  instances: VrrpInstanceStatus[];
  directors: DirectorStatus[];
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
      { header: 'VRRP-INSTANCE', value: (i: VrrpInstanceStatus) => i.name },
      { header: 'VRID', value: (i) => String(i.vrid) },
      { header: 'MASTER', value: (i) => i.masters.join(',') },
      { header: 'VIPS-OWNED', value: (i) => i.members.flatMap((m) => m.vipsOwned).join(',') },
      {
        header: 'MEMBERS',
        value: (i) => i.members.map((m) => `${m.director}:${m.state}`).join(','),
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
      { header: 'DIRECTOR', value: (d: DirectorStatus) => d.name },
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
        : (await client.listAll<{ name: string }>('/v1/sites')).map((s) => s.name);
    const statuses: SiteStatus[] = [];
    for (const site of sites) {
      const base = `/v1/sites/${encodeURIComponent(site)}`;
      const vrrp = (await client.get<Omit<SiteStatus, 'directors'>>(`${base}/vrrp-status`)).body;
      const directors = (
        await client.get<{ directors: DirectorStatus[] }>(`${base}/directors-status`)
      ).body;
      statuses.push({ ...vrrp, directors: directors.directors });
    }
    if (inv.globals.output !== 'table')
      inv.out(serialize(named !== undefined ? statuses[0] : statuses, inv.globals.output));
    else inv.out(statuses.length === 0 ? 'no sites\n' : statuses.map(renderSiteStatus).join('\n'));
    return statusExitCode(statuses);
  },
};
