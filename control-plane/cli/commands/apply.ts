/** @module `fleetlb apply -f FILE|-`: make objects match manifests, showing a diff per object. */
import { applyObjects } from '../apply-report.js';
import { stringOption, SITE_OPTION, type Command } from '../command.js';
import { waitForApplied } from '../apply-wait.js';
import { parseDurationMs } from '../duration.js';
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
  summary: 'Create or update objects from manifests: one transaction and one revision per site',
  usage: '-f FILE|- [--dry-run] [--force] [--wait [--timeout 2m]] [--site SITE]',
  description: `Each document: {apiVersion: fleetlb/v1, kind: Site|Director|VrrpInstance|VirtualServer|RealServer,
  metadata: {name, site, virtualServer (RealServer), labels, description}, spec: {...the API's fields}}.
Sites are created or replaced first. Then each site's objects go to the server in one bulk apply
(POST /v1/sites/SITE/apply): validated against the whole site and applied in one transaction and one
revision, or not at all (exit 3 with the object and field that were refused). The diff of each
changed object is printed, and the VRRP instances whose identity changes (they re-elect).
--dry-run asks the server to check everything and roll back: what would change, nothing changes.
A real server's weight and adminState are owned by drain/undrain/weight set once those set them:
left out of the manifest they are kept; changed by the manifest the apply is refused (exit 4,
409) unless --force. --wait then waits until every director of each changed site applied the new
revision, one line per director on stderr: exit 11 naming a director that refused it (with its
reasons), exit 5 naming those that had not applied it when --timeout ran out. Objects absent from the manifests are left alone. --site is the site of
documents without metadata.site.`,
  options: {
    ...FILE_OPTION,
    'dry-run': { type: 'boolean', description: 'The server checks and reports, changes nothing' },
    wait: { type: 'boolean', description: 'Wait until every director applied the new revision' },
    timeout: {
      type: 'string',
      value: 'DURATION',
      description: 'How long --wait waits (default 2m), e.g. 90s, 10m',
    },
    force: {
      type: 'boolean',
      description: 'Let the manifest change weights and admin states that drain/undrain/weight set',
    },
    ...SITE_OPTION,
  },
  args: { min: 0, max: 0 },
  async run(inv) {
    const file = stringOption(inv.options, 'filename');
    if (file === undefined) throw usageError('apply needs -f FILE (or -f - for standard input)');
    const input = await readInput(inv, file);
    const { parseManifests } = await import('../manifest.js'); // loads the contract: only here
    const objects = parseManifests(input.text, input.name, inv.defaultSite());
    const wait = inv.options.wait === true;
    if (!wait && stringOption(inv.options, 'timeout') !== undefined)
      throw usageError('--timeout only applies with --wait');
    const timeoutMs = parseDurationMs(stringOption(inv.options, 'timeout') ?? '2m');
    const results = await applyObjects(inv, objects, {
      dryRun: inv.options['dry-run'] === true,
      force: inv.options.force === true,
    });
    if (wait && inv.options['dry-run'] !== true)
      await waitForApplied(inv.client(), results, timeoutMs, (line) =>
        inv.io.stderr.write(`${line}\n`),
      );
  },
};
