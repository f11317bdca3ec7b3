/** @module `fleetlb apply -f FILE|-`: make objects match manifests, showing a diff per object. */
import { applyObjects } from '../apply-report.js';
import { stringOption, SITE_OPTION, type Command } from '../command.js';
import { usageError } from '../exit-codes.js';
import { readInput } from '../read-input.js';

export const FILE_OPTION = {
  filename: {
    type: 'string' as const,
    short: 'f',
    value: 'FILE',
    description: 'Manifest file (YAML, multi-document, or JSON); - reads standard input',
  },
};

export const applyCommand: Command = {
  words: ['apply'],
  summary: 'Create or update objects from manifests (declarative, with optimistic concurrency)',
  usage: '-f FILE|- [--dry-run] [--site SITE]',
  description: `Each document: {apiVersion: fleetlb/v1, kind: Site|Director|VrrpInstance|VirtualServer|RealServer,
  metadata: {name, site, virtualServer (RealServer), labels, description}, spec: {...the API's fields}}.
Each object is read, diffed against the manifest (defaults filled in) and created (If-None-Match: *)
or replaced (If-Match: its ETag); a concurrent change makes the write fail with exit code 4.
Objects absent from the manifests are left alone. --site is the site of documents without metadata.site.`,
  options: {
    ...FILE_OPTION,
    'dry-run': { type: 'boolean', description: 'Show the diffs, change nothing' },
    ...SITE_OPTION,
  },
  args: { min: 0, max: 0 },
  async run(inv) {
    const file = stringOption(inv.options, 'filename');
    if (file === undefined) throw usageError('apply needs -f FILE (or -f - for standard input)');
    const input = await readInput(inv, file);
    const { parseManifests } = await import('../manifest.js'); // loads the contract: only here
    const objects = parseManifests(input.text, input.name, inv.defaultSite());
    await applyObjects(inv, objects, inv.options['dry-run'] === true);
  },
};
