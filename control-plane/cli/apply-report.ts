/**
 * @module Applying a list of desired objects and reporting it: the shared path of `apply -f`
 * and `import keepalived` (diff per object, then create/replace, or nothing with --dry-run).
 */
import { executeChange, planChanges, type ApplyOutcome, type PlannedChange } from './apply-plan.js';
import type { Invocation } from './command.js';
import { describeRef } from './kinds.js';
import type { DesiredObject } from './manifest.js';
import { serialize } from './output.js';

const DRY_RUN_TEXT: Record<PlannedChange['action'], string> = {
  create: 'would be created',
  update: 'would be updated',
  unchanged: 'unchanged',
};

export async function applyObjects(
  inv: Invocation,
  objects: readonly DesiredObject[],
  dryRun: boolean,
): Promise<void> {
  const client = inv.client();
  const table = inv.globals.output === 'table';
  const plan = await planChanges(client, objects);
  const counts: Record<ApplyOutcome, number> = { created: 0, updated: 0, unchanged: 0 };
  const results = [];
  for (const change of plan) {
    const name = describeRef(change.object.ref);
    if (table && change.diff !== '') inv.out(change.diff);
    const outcome: ApplyOutcome | undefined = dryRun
      ? undefined
      : await executeChange(client, change);
    if (outcome) counts[outcome]++;
    results.push({ ...change.object.ref, action: outcome ?? change.action, diff: change.diff });
    if (table) inv.out(`${name} ${outcome ?? DRY_RUN_TEXT[change.action]}\n`);
  }
  if (!table) {
    inv.out(serialize({ dryRun, changes: results }, inv.globals.output as 'json' | 'yaml'));
    return;
  }
  if (dryRun) {
    const count = (a: PlannedChange['action']) => plan.filter((c) => c.action === a).length;
    inv.out(
      `dry run: ${count('create')} to create, ${count('update')} to update, ${count('unchanged')} unchanged; nothing was changed\n`,
    );
  } else
    inv.out(
      `${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged\n`,
    );
}
