/**
 * @module Applying a list of desired objects and reporting it: the shared path of `apply -f`
 * and `import keepalived`. Sites are created or replaced one by one; the objects of each site go
 * in one bulk apply (`POST /v1/sites/{site}/apply`): one transaction and one revision per site,
 * all or nothing, checked by the server (`--dry-run` asks the server to check and roll back).
 * Each changed object's diff is printed, then what happened, and which VRRP instances re-elect.
 */
import type { ApplyResult } from '../../contract/apply.js';
import { executeChange, planChanges, specText, type PlannedChange } from './apply-plan.js';
import type { Invocation } from './command.js';
import { unifiedDiff } from './diff.js';
import { directorEffectLines } from './director-effects.js';
import type { ApiClient } from './http-client.js';
import { describeRef, type ObjectRef } from './kinds.js';
import type { DesiredObject } from './manifest.js';
import { serialize } from './output.js';

export interface ApplyOptions {
  dryRun: boolean;
  /** Let the manifest change weights and admin states the deploy verbs own. */
  force: boolean;
}

interface Reported {
  ref: ObjectRef;
  action: string;
  diff: string;
}

const DRY_RUN_TEXT: Record<string, string> = {
  create: 'would be created',
  created: 'would be created',
  update: 'would be updated',
  updated: 'would be updated',
  unchanged: 'unchanged',
};

/** Sites first, one at a time (a bulk apply lives inside a site). */
async function applySites(
  client: ApiClient,
  sites: readonly DesiredObject[],
  dryRun: boolean,
): Promise<{ reported: Reported[]; creating: Set<string> }> {
  const plan: PlannedChange[] = await planChanges(client, sites);
  const reported: Reported[] = [];
  const creating = new Set<string>();
  for (const change of plan) {
    if (change.action === 'create') creating.add(change.object.ref.name);
    const action = dryRun ? change.action : await executeChange(client, change);
    reported.push({ ref: change.object.ref, action, diff: change.diff });
  }
  return { reported, creating };
}

/** One site's objects in one bulk apply; a dry run of a site that does not exist yet is planned here. */
async function applySite(
  client: ApiClient,
  site: string,
  objects: readonly DesiredObject[],
  options: ApplyOptions,
  siteIsNew: boolean,
): Promise<{ reported: Reported[]; result?: ApplyResult }> {
  if (options.dryRun && siteIsNew) {
    const plan = await planChanges(client, objects);
    return { reported: plan.map((c) => ({ ref: c.object.ref, action: c.action, diff: c.diff })) };
  }
  const query = { dryRun: String(options.dryRun), force: String(options.force) };
  const body = {
    objects: objects.map((o) => ({
      kind: o.ref.kind,
      ...(o.ref.virtualServer === undefined ? {} : { virtualServer: o.ref.virtualServer }),
      spec: o.written,
    })),
  };
  const path = `/v1/sites/${encodeURIComponent(site)}/apply`;
  const { body: result } = await client.request<ApplyResult>('POST', path, { body, query });
  const reported = result.objects.map((o) => {
    const ref: ObjectRef = {
      kind: o.kind,
      name: o.name,
      site,
      ...(o.virtualServer === undefined ? {} : { virtualServer: o.virtualServer }),
    };
    const name = describeRef(ref);
    const diff =
      o.action === 'unchanged'
        ? ''
        : unifiedDiff(specText(o.before), specText(o.after), {
            before: `${name} (${o.before ? 'current' : 'absent'})`,
            after: `${name} (desired)`,
          });
    return { ref, action: o.action, diff };
  });
  return { reported, result };
}

/** Applies `objects`, prints what happened; returns the bulk applies' results (one per site). */
export async function applyObjects(
  inv: Invocation,
  objects: readonly DesiredObject[],
  options: ApplyOptions,
): Promise<ApplyResult[]> {
  const client = inv.client();
  const table = inv.globals.output === 'table';
  const { dryRun } = options;
  const sites = await applySites(
    client,
    objects.filter((o) => o.ref.kind === 'Site'),
    dryRun,
  );
  const reported = [...sites.reported];
  const results: ApplyResult[] = [];
  const bySite = new Map<string, DesiredObject[]>();
  for (const o of objects.filter((x) => x.ref.kind !== 'Site'))
    bySite.set(o.ref.site ?? '', [...(bySite.get(o.ref.site ?? '') ?? []), o]);
  for (const [site, list] of bySite) {
    const done = await applySite(client, site, list, options, sites.creating.has(site));
    reported.push(...done.reported);
    if (done.result) results.push(done.result);
  }
  const reelections = results.flatMap((r) => r.reelections);
  const directors = results.flatMap((r) =>
    (r.directors ?? []).map((d) => ({ site: r.site, ...d })),
  );
  if (!table) {
    const changes = reported.map((r) => ({ ...r.ref, action: r.action, diff: r.diff }));
    const revisions = results.map((r) => ({
      site: r.site,
      revision: r.revision,
      changed: r.changed,
    }));
    inv.out(
      serialize(
        { dryRun, changes, revisions, reelections, ...(dryRun ? { directors } : {}) },
        inv.globals.output as 'json' | 'yaml',
      ),
    );
    return results;
  }
  for (const r of reported) {
    if (r.diff !== '') inv.out(r.diff);
    inv.out(`${describeRef(r.ref)} ${dryRun ? DRY_RUN_TEXT[r.action] : r.action}\n`);
  }
  for (const r of reelections) {
    const verb = dryRun ? 'would re-elect' : 're-elects';
    inv.out(
      `VRRP instance ${r.instance} ${verb} on ${r.director}: ${r.fields.join(', ')} changed\n`,
    );
  }
  for (const r of results)
    for (const line of directorEffectLines(r.directors ?? [], true)) inv.out(`${r.site}/${line}\n`);
  const count = (...actions: string[]) => reported.filter((r) => actions.includes(r.action)).length;
  const summary = `${count('create', 'created')} ${dryRun ? 'to create' : 'created'}, ${count('update', 'updated')} ${dryRun ? 'to update' : 'updated'}, ${count('unchanged')} unchanged`;
  const revisions = results
    .filter((r) => r.changed)
    .map((r) => `${r.site} revision ${r.revision}`)
    .join(', ');
  const where = revisions === '' ? '' : dryRun ? ` (would make ${revisions})` : ` (${revisions})`;
  inv.out(
    `${dryRun ? 'dry run: ' : ''}${summary}${where}${dryRun ? '; nothing was changed' : ''}\n`,
  );
  return results;
}
