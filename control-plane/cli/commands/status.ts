/**
 * @module `fleetlb status [--site S]`: per site, who owns each VRRP instance's VIPs (split brain
 * and no-master flagged) and which directors are stale (no recent report) or behind (have not
 * applied the current revision), from the API's fleet views.
 */
import { SITE_OPTION, stringOption, type Command } from '../command.js';
import { serialize } from '../output.js';
import { renderTable } from '../table.js';

interface VrrpMember {
  director: string;
  state: string;
  vipsOwned: string[];
  stale: boolean;
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
  appliedRevision: number | null;
  behind: boolean;
  errors: unknown[];
}
interface SiteStatus {
  site: string;
  revision: number;
  staleAfterS: number;
  instances: VrrpInstanceStatus[];
  directors: DirectorStatus[];
}

const flags = (pairs: [boolean, string][]) =>
  pairs
    .filter(([on]) => on)
    .map(([, text]) => text)
    .join(',');

export function renderSiteStatus(s: SiteStatus): string {
  const vrrp = renderTable(
    [
      { header: 'VRRP-INSTANCE', value: (i: VrrpInstanceStatus) => i.name },
      { header: 'VRID', value: (i) => String(i.vrid) },
      { header: 'MASTER', value: (i) => i.masters.join(',') },
      {
        header: 'VIPS-OWNED',
        value: (i) =>
          i.members
            .filter((m) => !m.stale)
            .flatMap((m) => m.vipsOwned)
            .join(','),
      },
      {
        header: 'MEMBERS',
        value: (i) =>
          i.members.map((m) => `${m.director}:${m.stale ? 'stale' : m.state}`).join(','),
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
      {
        header: 'FLAGS',
        value: (d) =>
          flags([
            [d.stale, 'STALE'],
            [d.behind, 'BEHIND'],
            [d.errors.length > 0, `${d.errors.length}-ERRORS`],
          ]),
      },
    ],
    s.directors,
  );
  return `site ${s.site}: revision ${s.revision} (reports older than ${s.staleAfterS}s are stale)\n\n${vrrp}\n${directors}`;
}

export const statusCommand: Command = {
  words: ['status'],
  summary: 'VIP owners per VRRP instance, split brain, no master, stale or behind directors',
  usage: '[--site SITE]',
  description:
    'Without --site, every site. FLAGS: SPLIT-BRAIN (more than one master), NO-MASTER, STALE (no report\nfor staleAfterS), BEHIND (current revision not applied), N-ERRORS (reported errors).',
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
  },
};
