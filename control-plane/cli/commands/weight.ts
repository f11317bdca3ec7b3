/** @module `fleetlb weight set`: change the weight of one real server or of every one matching a selector. */
import type { RealServerResource, SiteResource } from '../../../contract/object-resource.js';
import type { Command } from '../command.js';
import {
  AFFECTED_COLUMNS,
  deployTarget,
  TARGET_OPTIONS,
  type AffectedRealServer,
  type ChangeResult,
} from '../deploy-target.js';
import { CHANGE_WAIT_OPTIONS, changeWait, waitForChange } from '../change-wait.js';
import { usageError } from '../exit-codes.js';
import { objectPath } from '../kinds.js';
import { formatRows } from '../output.js';

function parseWeight(text: string | undefined): number {
  const weight = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || weight > 65535)
    throw usageError(`the weight must be an integer from 0 to 65535, not ${text ?? 'nothing'}`);
  return weight;
}

export const weightSetCommand: Command = {
  words: ['weight', 'set'],
  summary: 'Set the weight of a real server, or of every one of a site matching a selector',
  usage: '--site SITE (--virtual-server VS REAL | -l SELECTOR) WEIGHT [--wait [--timeout 2m]]',
  options: { ...TARGET_OPTIONS, ...CHANGE_WAIT_OPTIONS },
  args: { min: 1, max: 2 },
  async run(inv) {
    const weight = parseWeight(inv.args[inv.args.length - 1]);
    const target = deployTarget(inv, inv.args.length === 2 ? inv.args[0] : undefined);
    const wait = changeWait(inv);
    const client = inv.client();
    let rows: AffectedRealServer[];
    let change: { revision: number; changed: boolean } | undefined;
    if (target.type === 'selector') {
      const path = `/v1/sites/${encodeURIComponent(target.site)}/real-servers/weight`;
      const answer = await client.request<ChangeResult>('POST', path, {
        query: { selector: target.selector },
        body: { weight },
      });
      rows = answer.body.realServers;
      change = answer.body;
    } else {
      const path = objectPath({ kind: 'RealServer', ...target });
      const before = (await client.get<RealServerResource>(path)).body;
      const after = await client.request<RealServerResource>('PATCH', path, {
        body: { weight },
        contentType: 'application/merge-patch+json',
        headers: { 'if-match': `"${before.resourceVersion}"` },
      });
      const { virtualServer, name, adminState } = after.body;
      rows = [
        {
          virtualServer,
          name,
          adminState,
          weight: after.body.weight,
          changed: before.weight !== weight,
        },
      ];
      // The object's answer has no revision: with --wait, the site's, read after the change.
      if (wait) {
        const site = `/v1/sites/${encodeURIComponent(target.site)}`;
        const { revision } = (await client.get<SiteResource>(site)).body;
        change = { revision, changed: before.weight !== weight };
      }
    }
    inv.out(formatRows(inv.globals.output, AFFECTED_COLUMNS, rows));
    if (change) await waitForChange(inv, wait, { site: target.site, ...change });
  },
};
