/**
 * @module Reading objects for `get`/`describe`: one by name or a list with a label selector,
 * following pagination; real servers across every virtual server of a site when none is named.
 */
import type { Invocation } from './command.js';
import { stringOption } from './command.js';
import { CliError, EXIT } from './exit-codes.js';
import { collectionPath, objectPath, type ApiObject, type KindInfo } from './kinds.js';

export const VIRTUAL_SERVER_OPTION = {
  'virtual-server': {
    type: 'string' as const,
    value: 'VS',
    description: 'The virtual server (real servers); default: every one of the site',
  },
};

/** The objects of `info` named `name` (or all, filtered by `selector`). */
export async function lookupObjects(
  inv: Invocation,
  info: KindInfo,
  name: string | undefined,
  selector?: string,
): Promise<ApiObject[]> {
  const client = inv.client();
  const site = info.kind === 'Site' ? undefined : inv.site();
  if (info.kind !== 'RealServer') {
    if (name !== undefined)
      return [(await client.get<ApiObject>(objectPath({ kind: info.kind, name, site }))).body];
    return client.listAll<ApiObject>(collectionPath(info.kind, site), { selector });
  }
  const named = stringOption(inv.options, 'virtual-server');
  const virtualServers =
    named !== undefined
      ? [named]
      : (await client.listAll<ApiObject>(collectionPath('VirtualServer', site))).map((v) => v.name);
  const found: ApiObject[] = [];
  for (const virtualServer of virtualServers) {
    if (name !== undefined && named !== undefined) {
      found.push(
        (await client.get<ApiObject>(objectPath({ kind: 'RealServer', name, site, virtualServer })))
          .body,
      );
      continue;
    }
    const items = await client.listAll<ApiObject>(
      collectionPath('RealServer', site, virtualServer),
      {
        selector,
      },
    );
    found.push(...items.filter((rs) => name === undefined || rs.name === name));
  }
  if (name !== undefined && found.length === 0)
    throw new CliError(EXIT.notFound, `no real server named ${name} in site ${site}`);
  return found;
}
