/** @module `fleetlb get KIND [NAME]`: objects as a table, JSON, YAML or apply-able manifests. */
import { stringOption, SITE_OPTION, type Command } from '../command.js';
import { kindFromWord, KIND_NAMES_HELP, specOf, toManifest } from '../kinds.js';
import { lookupObjects, VIRTUAL_SERVER_OPTION } from '../lookup.js';
import { formatRows, serialize } from '../output.js';

export const getCommand: Command = {
  words: ['get'],
  summary: 'List objects of a kind, or show one',
  usage: 'KIND [NAME] [--site SITE] [-l SELECTOR] [--virtual-server VS] [--manifests]',
  description: `KIND: ${KIND_NAMES_HELP}.\nWith -o json|yaml a NAME prints the object, otherwise a list.\n--manifests prints them as apply -f takes them (YAML unless -o json).`,
  options: {
    ...SITE_OPTION,
    selector: {
      type: 'string',
      short: 'l',
      value: 'SELECTOR',
      description: 'Label selector, e.g. app=web,version!=v1',
    },
    ...VIRTUAL_SERVER_OPTION,
    manifests: { type: 'boolean', description: 'Print manifests that apply -f accepts' },
  },
  args: { min: 1, max: 2 },
  async run(inv) {
    const info = kindFromWord(inv.args[0]!);
    const name = inv.args[1];
    const objects = await lookupObjects(inv, info, name, stringOption(inv.options, 'selector'));
    if (inv.options.manifests === true) {
      const manifests = objects.map((o) => toManifest(info, o, specOf(info, o)));
      if (inv.globals.output === 'json') inv.out(serialize(manifests, 'json'));
      else inv.out(manifests.map((m) => serialize(m, 'yaml')).join('---\n'));
      return;
    }
    const data = name !== undefined && objects.length === 1 ? objects[0] : objects;
    inv.out(formatRows(inv.globals.output, info.columns, objects, data));
  },
};
