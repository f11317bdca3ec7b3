/**
 * @module The target of a deploy verb: one real server (`--site S --virtual-server VS REAL`) or
 * every real server of a site matching a label selector (`--site S -l SELECTOR`), and the
 * API's answer about the real servers it changed.
 */
import type { AffectedRealServer, RealServerChangeResult } from '../../contract/deploy-result.js';
import { stringOption, type Invocation, type OptionSpec } from './command.js';
import { usageError } from './exit-codes.js';
import { objectPath } from './kinds.js';
import type { Column } from './table.js';

export const TARGET_OPTIONS: Record<string, OptionSpec> = {
  site: {
    type: 'string',
    short: 's',
    value: 'SITE',
    description: 'The site (default: FLEETLB_SITE, else the context site)',
  },
  'virtual-server': { type: 'string', value: 'VS', description: 'The virtual server of REAL' },
  selector: {
    type: 'string',
    short: 'l',
    value: 'SELECTOR',
    description: 'Every real server of the site whose labels match, e.g. app=web,version=v1',
  },
};

export type DeployTarget =
  | { type: 'one'; site: string; virtualServer: string; name: string }
  | { type: 'selector'; site: string; selector: string };

/** The target from options and the leading positional argument (REAL, in the one-server form). */
export function deployTarget(inv: Invocation, real: string | undefined): DeployTarget {
  const selector = stringOption(inv.options, 'selector');
  const virtualServer = stringOption(inv.options, 'virtual-server');
  if (selector !== undefined) {
    if (virtualServer !== undefined || real !== undefined)
      throw usageError('pass either -l SELECTOR or --virtual-server VS REAL, not both');
    if (selector.trim() === '') throw usageError('the selector must not be empty');
    return { type: 'selector', site: inv.site(), selector };
  }
  if (virtualServer === undefined || real === undefined)
    throw usageError('name the real servers: --virtual-server VS REAL, or -l SELECTOR');
  return { type: 'one', site: inv.site(), virtualServer, name: real };
}

/** The path of `verb` (drain, restore, weight) for the target. */
export function targetPath(
  target: DeployTarget,
  verb: 'drain' | 'restore',
): { path: string; query: Record<string, string> } {
  if (target.type === 'selector')
    return {
      path: `/v1/sites/${encodeURIComponent(target.site)}/real-servers/${verb}`,
      query: { selector: target.selector },
    };
  const path = objectPath({
    kind: 'RealServer',
    site: target.site,
    virtualServer: target.virtualServer,
    name: target.name,
  });
  return { path: `${path}/${verb}`, query: {} };
}

/** What restore and weight answer (contract/deploy-result.ts). */
export type { AffectedRealServer, RealServerChangeResult as ChangeResult };

export const AFFECTED_COLUMNS: Column<AffectedRealServer>[] = [
  { header: 'VIRTUAL-SERVER', value: (r) => r.virtualServer },
  { header: 'NAME', value: (r) => r.name },
  { header: 'WEIGHT', value: (r) => String(r.weight) },
  { header: 'STATE', value: (r) => r.adminState },
  { header: 'CHANGED', value: (r) => (r.changed ? 'yes' : 'no') },
];
