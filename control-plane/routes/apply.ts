/**
 * @module A site's bulk apply, `POST /v1/sites/{site}/apply` (permission `write`): a manifest's
 * objects in one transaction under the site lock, parents first, each validated against the
 * site as the earlier ones left it; one revision and one audit group for all of them, or nothing
 * at all (the first refusal names the object: `objects.3.weight`). `?dryRun=true` runs the same
 * and rolls back: the answer is what would change, the revision it would make, the VRRP
 * instances that would re-elect and how each director's document would change
 * (store/site-write.ts). A real server's operational fields (weight, adminState) follow
 * server-side apply's field ownership: absent from the manifest, they keep their values; present
 * and different while the deploy verbs own them (the last to set them was drain, restore or
 * weight), the apply is refused with 409 unless `?force=true`.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { isDeepStrictEqual } from 'node:util';
import {
  ApplyRequest,
  ApplyResult,
  Name,
  OPERATIONAL_FIELDS,
  reelections,
  type AppliedObject,
  type ApplyKind,
  type ApplyObject,
  type VrrpInstanceSpec,
} from '../../contract/index.js';
import { getObject } from '../store/objects.js';
import { deployOwnedFields } from '../store/field-ownership.js';
import { writeSite, type SiteWrite } from '../store/site-write.js';
import { actorName, authorize } from '../http/auth.js';
import { createRouter } from '../http/openapi.js';
import { conflict, Problem } from '../http/problem.js';
import { problemResponses } from './common.js';
import { commit, parseSpec, resolveScope } from './objects/handlers.js';
import { resourcePath, type ObjectParams as Params } from './objects/routes.js';
import { KINDS, type ObjectKind, type ResourceType, type Spec } from './objects/kinds.js';

const KIND_OF: Record<ApplyKind, ResourceType> = {
  Director: 'director',
  VrrpInstance: 'vrrp-instance',
  VirtualServer: 'virtual-server',
  RealServer: 'real-server',
};
const ORDER: readonly ApplyKind[] = ['Director', 'VrrpInstance', 'VirtualServer', 'RealServer'];
const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');

const route = createRoute({
  method: 'post',
  path: '/v1/sites/{site}/apply',
  tags: ['apply'],
  summary: 'Apply many objects atomically: one transaction, one revision, all or nothing',
  request: {
    params: z.object({ site: Name }),
    query: z.object({
      dryRun: flag.meta({ description: 'Validate and report, then roll back: nothing changes' }),
      force: flag.meta({
        description:
          "Let the manifest change real servers' weight or adminState owned by drain/restore/weight",
      }),
    }),
    body: { required: true, content: { 'application/json': { schema: ApplyRequest } } },
  },
  responses: {
    200: {
      description: 'Applied (or, with dryRun, what applying would do)',
      content: { 'application/json': { schema: ApplyResult } },
    },
    ...problemResponses(400, 401, 403, 404, 409, 422),
  },
});

/** A refusal of one object, its field paths under `objects.{index}`. */
function within(index: number, object: ApplyObject, error: unknown): unknown {
  if (!(error instanceof Problem)) return error;
  const name = typeof object.spec.name === 'string' ? object.spec.name : '?';
  const errors = error.errors?.map((e) => ({
    ...e,
    path: `objects.${index}${e.path.replace(/^body\.?/, '.').replace(/\.$/, '')}`,
  }));
  const detail = `${object.kind} ${name} (objects.${index}): ${error.detail ?? error.title}`;
  return new Problem(error.status, error.slug, error.title, detail, errors);
}

/**
 * The spec to write for a real server: operational fields the manifest leaves out keep their
 * current values; ones it changes while the deploy verbs own them are refused unless forced.
 */
async function withOperationalFields(
  w: SiteWrite,
  resource: string,
  submitted: Record<string, unknown>,
  current: Spec,
  force: boolean,
): Promise<Record<string, unknown>> {
  const merged = { ...submitted };
  const contested: string[] = [];
  const owners = await deployOwnedFields(w.tx, w.site.id, resource);
  for (const field of OPERATIONAL_FIELDS) {
    if (!(field in submitted)) {
      if (field in current) merged[field] = current[field];
      continue;
    }
    const owner = owners.get(field);
    if (owner && !force && !isDeepStrictEqual(submitted[field], current[field]))
      contested.push(
        `${field} (set by ${owner.action}, ${owner.actor}, ${owner.at.toISOString()})`,
      );
  }
  if (contested.length > 0)
    throw conflict(
      `the manifest would change ${contested.join(' and ')}, which the deploy verbs own: leave the field out of the manifest, or apply with force`,
    );
  return merged;
}

async function applyOne(
  w: SiteWrite,
  site: string,
  object: ApplyObject,
  force: boolean,
  result: ApplyResult,
): Promise<void> {
  const kind: ObjectKind = KINDS[KIND_OF[object.kind]];
  const params: Params = {
    site,
    ...(object.virtualServer ? { virtualServer: object.virtualServer } : {}),
  };
  const scope = await resolveScope(w.tx, kind, w.site.id, params);
  const parsed = parseSpec(kind, object.spec);
  const { name } = parsed;
  const existing = await getObject(w.tx, kind.table, scope, name);
  const before = existing?.spec as Spec | undefined;
  // Only an existing real server's operational fields can differ from what was submitted.
  const spec =
    kind.type === 'real-server' && before
      ? parseSpec(
          kind,
          await withOperationalFields(
            w,
            resourcePath(kind, params, name),
            object.spec,
            before,
            force,
          ),
        )
      : parsed;
  const entry: AppliedObject = {
    kind: object.kind,
    name,
    ...(object.virtualServer ? { virtualServer: object.virtualServer } : {}),
    action: !existing ? 'created' : isDeepStrictEqual(before, spec) ? 'unchanged' : 'updated',
    ...(before ? { before } : {}),
    after: spec,
  };
  result.objects.push(entry);
  if (entry.action === 'unchanged') return;
  if (kind.type === 'vrrp-instance' && before)
    for (const r of reelections(before as VrrpInstanceSpec, spec as VrrpInstanceSpec))
      result.reelections.push({ instance: name, ...r });
  await commit(kind, w, scope, params, name, existing, spec);
}

export function applyRoutes() {
  const app = createRouter();
  app.openapi(route, async (c) => {
    const principal = authorize(c, 'write');
    const { site } = c.req.valid('param');
    const { dryRun, force } = c.req.valid('query');
    const { objects } = c.req.valid('json');
    const ordered = objects
      .map((object, index) => ({ object, index }))
      .sort((a, b) => ORDER.indexOf(a.object.kind) - ORDER.indexOf(b.object.kind));
    const { result, revision, changed, preview } = await writeSite(
      c.var.deps,
      site,
      actorName(principal),
      async (w) => {
        const result: ApplyResult = {
          site,
          dryRun,
          changed: false,
          revision: w.site.revision,
          objects: [],
          reelections: [],
        };
        for (const { object, index } of ordered) {
          try {
            await applyOne(w, site, object, force, result);
          } catch (error) {
            throw within(index, object, error);
          }
        }
        return result;
      },
      { dryRun },
    );
    return c.json(
      { ...result, revision, changed, ...(preview ? { directors: preview.directors } : {}) },
      200,
    );
  });
  return app;
}
