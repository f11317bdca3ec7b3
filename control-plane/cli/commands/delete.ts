/** @module `fleetlb delete KIND NAME` or `delete -f FILE`: remove objects, children first. */
import { stringOption, SITE_OPTION, type Command } from '../command.js';
import { usageError } from '../exit-codes.js';
import { ApiError } from '../http-client.js';
import {
  KIND_ORDER,
  KIND_NAMES_HELP,
  describeRef,
  kindFromWord,
  objectPath,
  type ObjectRef,
} from '../kinds.js';
import { VIRTUAL_SERVER_OPTION } from '../lookup.js';
import { readInput } from '../read-input.js';
import { FILE_OPTION } from './apply.js';

export const deleteCommand: Command = {
  words: ['delete'],
  summary: 'Delete an object, or the objects of manifests',
  usage: 'KIND NAME [--site SITE] [--virtual-server VS] [--cascade] | -f FILE|-',
  description: `KIND: ${KIND_NAMES_HELP}. With -f, objects are deleted children first and absent ones are skipped.
Deleting what others depend on is refused (exit 4), naming them, unless --cascade: a site with
objects in it, a virtual server with real servers (or tracked by a VRRP instance's check), a VRRP
instance that virtual servers name, a director that is a VRRP member. --cascade deletes the real
servers and virtual servers, and removes tracked checks and memberships; each change is audited.`,
  options: {
    ...FILE_OPTION,
    ...SITE_OPTION,
    ...VIRTUAL_SERVER_OPTION,
    cascade: {
      type: 'boolean',
      description: 'Also delete (or edit) what depends on the object, each change audited',
    },
  },
  args: { min: 0, max: 2 },
  async run(inv) {
    const client = inv.client();
    const file = stringOption(inv.options, 'filename');
    const query = inv.options.cascade === true ? { cascade: 'true' } : {};
    if (file !== undefined) {
      if (inv.args.length > 0) throw usageError('pass either -f FILE or KIND NAME, not both');
      const input = await readInput(inv, file);
      const { parseManifests } = await import('../manifest.js'); // loads the contract: only here
      const refs = parseManifests(input.text, input.name, inv.defaultSite())
        .map((o) => o.ref)
        .sort((a, b) => KIND_ORDER.indexOf(b.kind) - KIND_ORDER.indexOf(a.kind));
      for (const ref of refs) {
        try {
          await client.request('DELETE', objectPath(ref), {
            query,
          });
          inv.out(`${describeRef(ref)} deleted\n`);
        } catch (err) {
          if (!(err instanceof ApiError && err.status === 404)) throw err;
          inv.out(`${describeRef(ref)} not found (skipped)\n`);
        }
      }
      return;
    }
    if (inv.args.length !== 2) throw usageError('delete needs KIND NAME (or -f FILE)');
    const info = kindFromWord(inv.args[0]!);
    const ref: ObjectRef = { kind: info.kind, name: inv.args[1]! };
    if (info.kind !== 'Site') ref.site = inv.site();
    if (info.kind === 'RealServer') {
      ref.virtualServer = stringOption(inv.options, 'virtual-server');
      if (ref.virtualServer === undefined)
        throw usageError('deleting a real server needs --virtual-server VS');
    }
    await client.request('DELETE', objectPath(ref), { query });
    inv.out(`${describeRef(ref)} deleted\n`);
  },
};
