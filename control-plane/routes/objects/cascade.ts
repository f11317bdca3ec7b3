/**
 * @module A delete that others depend on (see store/dependents.ts): refused with a 409 naming each
 * dependent, or with `?cascade=true` applied with them, one audit event per change.
 */
import { validateSite } from '../../../contract/index.js';
import { publish } from '../../events/bus.js';
import { conflict } from '../../http/problem.js';
import { loadSiteRows, planDelete, type PlannedChange } from '../../store/dependents.js';
import { deleteObject, updateObject, type ObjectRow } from '../../store/objects.js';
import { loadSiteModel } from '../../store/site-model.js';
import type { SiteWrite } from '../../store/site-write.js';
import { KINDS, redact, type ObjectKind, type Spec } from './kinds.js';
import { resourcePath, type ObjectParams } from './routes.js';

/**
 * Deletes `existing` with its dependents when it has any: a 409 naming them without `cascade`.
 * Returns false when nothing depends on it (the caller deletes it the ordinary way).
 */
export async function deleteWithDependents(
  w: SiteWrite,
  kind: ObjectKind,
  params: ObjectParams & { name: string },
  existing: ObjectRow,
  cascade: boolean,
): Promise<boolean> {
  const rows = await loadSiteRows(w.tx, w.site.id);
  const { dependents } = planDelete(w.site.name, rows, kind.type, existing);
  if (dependents.length === 0) return false;
  if (!cascade)
    throw conflict(
      `${kind.type} ${params.name} has ${dependents.length} dependent${dependents.length === 1 ? '' : 's'}: change or delete them first, or pass cascade=true`,
      dependents.map((d) => ({
        path: [d.resource],
        message: `${d.after ? 'would be changed' : 'would be deleted'}: ${d.reason}`,
      })),
    );
  await applyCascade(w, kind, params, existing, dependents);
  return true;
}

/**
 * Applies a delete with its dependents: each change audited (a deletion with its full before),
 * then the whole site validated as it will be (a cascade must leave a valid site, or nothing).
 */
async function applyCascade(
  w: SiteWrite,
  kind: ObjectKind,
  params: ObjectParams & { name: string },
  existing: ObjectRow,
  dependents: PlannedChange[],
): Promise<void> {
  for (const change of dependents) {
    const changed = KINDS[change.type];
    const before = change.row.spec as Spec;
    w.record({
      action: change.after ? 'update' : 'delete',
      resourceType: change.type,
      resource: change.resource,
      before: redact(changed, before, false),
      after: change.after && redact(changed, change.after, false),
      stored: change.after,
    });
    if (change.after) await updateObject(w.tx, changed.table, change.row.id, change.after);
    else await deleteObject(w.tx, changed.table, change.row.id);
  }
  w.record({
    action: 'delete',
    resourceType: kind.type,
    resource: resourcePath(kind, params, params.name),
    before: redact(kind, existing.spec as Spec, false),
    after: undefined,
  });
  await deleteObject(w.tx, kind.table, existing.id);
  const issues = validateSite(await loadSiteModel(w.tx, w.site.id));
  if (issues.length > 0)
    throw conflict(
      `deleting ${kind.type} ${params.name} with its dependents leaves the site invalid`,
      issues,
    );
  if (kind.type === 'director' || dependents.some((d) => d.type === 'director' && !d.after))
    await publish(w.tx, { type: 'tokens' });
}
