/**
 * @module `fleetlb describe KIND NAME`: one object with what the fleet reports about it
 * (director: applied revision, errors and conditions; VRRP instance: members' states; virtual
 * server: health, weight and connections per director, and the conditions directors report on
 * it, e.g. ipvs-unavailable; real server: health, weight and connections per director).
 */
import { stringify } from 'yaml';
import type {
  DirectorsStatusView,
  RealServerStatusView,
  VrrpStatusView,
} from '../../../contract/fleet-view.js';
import { SITE_OPTION, type Command, type Invocation } from '../command.js';
import { kindFromWord, KIND_NAMES_HELP, type ApiObject, type KindInfo } from '../kinds.js';
import { lookupObjects, VIRTUAL_SERVER_OPTION } from '../lookup.js';
import { serialize } from '../output.js';

async function statusOf(inv: Invocation, info: KindInfo, object: ApiObject): Promise<unknown> {
  const client = inv.client();
  const site = encodeURIComponent(info.kind === 'Site' ? object.name : String(object.site));
  const view = async <T>(path: string, query?: Record<string, string>) =>
    (await client.get<T>(`/v1/sites/${site}/${path}`, query)).body;
  switch (info.kind) {
    case 'Site': {
      const directors = await view<DirectorsStatusView>('directors-status');
      const vrrp = await view<VrrpStatusView>('vrrp-status');
      return {
        directors: directors.directors.map((d) => ({
          name: d.name,
          appliedRevision: d.appliedRevision,
          behind: d.behind,
          stale: d.stale,
        })),
        vrrpInstances: vrrp.instances.map((i) => ({
          name: i.name,
          masters: i.masters,
          splitBrain: i.splitBrain,
          noMaster: i.noMaster,
        })),
      };
    }
    case 'Director':
      return (
        (await view<DirectorsStatusView>('directors-status')).directors.find(
          (d) => d.name === object.name,
        ) ?? null
      );
    case 'VrrpInstance':
      return (
        (await view<VrrpStatusView>('vrrp-status')).instances.find((i) => i.name === object.name) ??
        null
      );
    case 'VirtualServer': {
      const body = await view<RealServerStatusView>('real-server-status', {
        virtualServer: object.name,
      });
      const directors = await view<DirectorsStatusView>('directors-status');
      const conditions = directors.directors.flatMap((d) =>
        // An older server's report has no conditions.
        (d.conditions ?? [])
          .filter((c) => c.object.kind === 'VirtualServer' && c.object.name === object.name)
          .map(({ type, message, since }) => ({ director: d.name, type, message, since })),
      );
      return { realServers: body.realServers, totals: body.totals, conditions };
    }
    case 'RealServer': {
      const body = await view<RealServerStatusView>('real-server-status', {
        virtualServer: String(object.virtualServer),
      });
      const found = body.realServers.find((r) => r.name === object.name);
      if (!found) return null;
      const { directors, activeConnections, inactiveConnections } = found;
      return { activeConnections, inactiveConnections, directors };
    }
  }
}

export const describeCommand: Command = {
  words: ['describe'],
  summary: 'Show one object and what its directors report about it',
  usage: 'KIND NAME [--site SITE] [--virtual-server VS]',
  description: `KIND: ${KIND_NAMES_HELP}.`,
  options: { ...SITE_OPTION, ...VIRTUAL_SERVER_OPTION },
  args: { min: 2, max: 2 },
  async run(inv) {
    const info = kindFromWord(inv.args[0]!);
    const objects = await lookupObjects(inv, info, inv.args[1]);
    const described = [];
    for (const object of objects)
      described.push({ kind: info.kind, object, status: await statusOf(inv, info, object) });
    if (inv.globals.output !== 'table') {
      inv.out(serialize(described.length === 1 ? described[0] : described, inv.globals.output));
      return;
    }
    const texts = described.map(
      ({ object, status }) =>
        `${info.kind}: ${object.name}\n${stringify(object)}\nStatus:\n${indent(stringify(status))}`,
    );
    inv.out(texts.join('\n'));
  },
};

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
