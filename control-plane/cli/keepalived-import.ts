/**
 * @module What `fleetlb import keepalived FILE` does: parse a director's keepalived.conf, map it to its
 * desired state (warnings with file:line), turn that into API objects and apply them through
 * the same path as `apply` (so --dry-run shows the diffs and changes nothing).
 */
import { resolve } from 'node:path';
import { formatDiagnostic, parseKeepalivedConf, toDesiredState } from '../../contract/index.js';
import { applyObjects } from './apply-report.js';
import { stringOption, type Invocation } from './command.js';
import { CliError, EXIT, usageError } from './exit-codes.js';
import { ApiError } from './http-client.js';
import { collectionPath, type ApiObject } from './kinds.js';
import { objectsFromDocument, refKey } from './keepalived-objects.js';
import { diskSource } from './keepalived-source.js';
import { desiredObject } from './manifest.js';

/** The site's objects that the import may touch, keyed by `refKey`. */
async function fetchExisting(inv: Invocation, site: string, virtualServers: string[]) {
  const client = inv.client();
  const existing = new Map<string, ApiObject>();
  const siteObject = await client.find<ApiObject>(`/v1/sites/${encodeURIComponent(site)}`);
  if (!siteObject) return existing;
  existing.set(refKey('Site', site), siteObject.body);
  for (const kind of ['Director', 'VrrpInstance', 'VirtualServer'] as const)
    for (const o of await client.listAll<ApiObject>(collectionPath(kind, site)))
      existing.set(refKey(kind, site, o.name), o);
  for (const vs of virtualServers) {
    if (!existing.has(refKey('VirtualServer', site, vs))) continue;
    for (const o of await client.listAll<ApiObject>(collectionPath('RealServer', site, vs)))
      existing.set(refKey('RealServer', site, vs, o.name), o);
  }
  return existing;
}

/** Runs the import (the command is in commands/import-keepalived.ts). */
export async function importKeepalived(inv: Invocation): Promise<void> {
  const file = resolve(inv.args[0]!);
  const site = stringOption(inv.options, 'site');
  const director = stringOption(inv.options, 'director');
  const address = stringOption(inv.options, 'address');
  if (site === undefined || director === undefined || address === undefined)
    throw usageError('import keepalived needs --site, --director and --address');
  const text = diskSource.readFile(file);
  if (text === undefined) throw new CliError(EXIT.error, `cannot read ${inv.args[0]}`);
  const parsed = parseKeepalivedConf(text, file, {
    source: diskSource,
    configId: stringOption(inv.options, 'config-id') ?? director,
  });
  const mapped = toDesiredState(parsed.config, {
    site,
    director: { name: director, address },
    file,
  });
  const diagnostics = [...parsed.diagnostics, ...mapped.warnings, ...mapped.errors];
  for (const d of diagnostics) inv.err(formatDiagnostic(d));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !mapped.document) {
    throw new CliError(EXIT.error, `${inv.args[0]} cannot be imported: ${errors.length} error(s)`);
  }
  let existing;
  try {
    existing = await fetchExisting(
      inv,
      site,
      mapped.document.virtualServers.map((v) => v.name),
    );
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) throw new CliError(EXIT.error, err.message);
    throw err;
  }
  const { objects, notes } = objectsFromDocument(mapped.document, existing);
  for (const note of notes) inv.err(`note: ${note}`);
  const desired = objects.map((o) => desiredObject(o.ref, o.spec, inv.args[0]!));
  await applyObjects(inv, desired, { dryRun: inv.options['dry-run'] === true, force: false });
}
