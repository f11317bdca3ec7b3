/**
 * @module `POST /v1/sites/{site}/rollback` (permission `write`): a new revision equal to an older
 * one, as one site write (store/site-write.ts): one revision, one audit group (a `rollback` event
 * per object with its before → after), validated like any write (the target, as today's rules
 * see it: refused with 422 and the reasons), or with `?dryRun=true` checked and rolled back.
 *
 * Field ownership, as `kubectl rollout undo` restores a pod template and leaves the replica count
 * to whoever scales: a rollback restores the configuration, but a real server's weight and
 * adminState that the deploy verbs (drain, restore, weight) set last keep their current values
 * (listed in `kept`), so rolling back in the middle of a wave does not undrain a server; the HAProxy
 * Data Plane API likewise keeps runtime server state apart from the configuration versions.
 * `restoreOperationalFields: true` restores those too. Fields a manifest or a write set are
 * restored. A real server the rollback re-creates takes the revision's values.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { Name, OPERATIONAL_FIELDS, RollbackRequest, RollbackResult } from '../../contract/index.js';
import { directorEffects, reelectionsOf } from '../compile/site-effect.js';
import {
  diffStates,
  resourceOf,
  snapshotOf,
  wireDiff,
  type SiteState,
} from '../compile/site-state.js';
import { stateIssues } from '../compile/state-issues.js';
import { actorName, authorize } from '../http/auth.js';
import { createRouter } from '../http/openapi.js';
import { invalid, Problem } from '../http/problem.js';
import { deployOwnedFields } from '../store/field-ownership.js';
import { historyStart, stateAt } from '../store/history.js';
import { liveState, writeDiffs } from '../store/rollback.js';
import { writeSite } from '../store/site-write.js';
import { problemResponses } from './common.js';
import { shown } from './history.js';
import { KINDS, redact } from './objects/kinds.js';
import { DryRunQuery } from './objects/routes.js';

const route = createRoute({
  method: 'post',
  path: '/v1/sites/{site}/rollback',
  tags: ['history'],
  summary: 'Make a new revision equal to an older one (validated like any write)',
  request: {
    params: z.object({ site: Name }),
    query: DryRunQuery,
    body: { required: true, content: { 'application/json': { schema: RollbackRequest } } },
  },
  responses: {
    200: {
      description: 'Rolled back (or, with dryRun, what rolling back would do)',
      content: { 'application/json': { schema: RollbackResult } },
    },
    ...problemResponses(400, 401, 403, 404, 422),
  },
});

/** Keeps the operational fields the deploy verbs own on real servers present on both sides. */
async function keepOperationalFields(
  w: Parameters<Parameters<typeof writeSite>[3]>[0],
  live: SiteState,
  target: SiteState,
): Promise<{ resource: string; fields: string[] }[]> {
  const kept: { resource: string; fields: string[] }[] = [];
  for (const [key, entry] of target) {
    const now = live.get(key);
    if (entry.type !== 'real-server' || !now) continue;
    const resource = resourceOf(w.site.name, entry);
    const owners = await deployOwnedFields(w.tx, w.site.id, resource);
    const fields = OPERATIONAL_FIELDS.filter(
      (f) => owners.has(f) && JSON.stringify(now.spec[f]) !== JSON.stringify(entry.spec[f]),
    );
    if (fields.length === 0) continue;
    const spec = { ...entry.spec };
    for (const f of fields) {
      if (f in now.spec) spec[f] = now.spec[f];
      else delete spec[f];
    }
    target.set(key, { ...entry, spec });
    kept.push({ resource, fields });
  }
  return kept;
}

export function rollbackRoutes() {
  const app = createRouter();
  app.openapi(route, async (c) => {
    const principal = authorize(c, 'write');
    const { site } = c.req.valid('param');
    const dryRun = c.req.valid('query').dryRun === 'true';
    const { toRevision, restoreOperationalFields } = c.req.valid('json');
    const show = shown(c);
    const { result, revision, changed } = await writeSite(
      c.var.deps,
      site,
      actorName(principal),
      async (w) => {
        const start = await historyStart(w.tx, w.site.id);
        if (start === undefined || toRevision < start || toRevision > w.site.revision)
          throw invalid([
            {
              path: ['toRevision'],
              message:
                start === undefined
                  ? `site ${site} has no history`
                  : `site ${site} keeps revisions ${start} to ${w.site.revision}`,
            },
          ]);
        const target = await stateAt(w.tx, w.site.id, toRevision);
        const live = await liveState(w);
        const kept = restoreOperationalFields
          ? []
          : await keepOperationalFields(w, live.state, target);
        const diffs = diffStates(site, live.state, target);
        const issues = stateIssues(site, target, diffs);
        if (issues.length > 0)
          throw new Problem(
            422,
            'validation-failed',
            'Validation failed',
            `revision ${toRevision} no longer validates: ${issues.length} problem${issues.length === 1 ? '' : 's'}`,
            invalid(issues).errors,
          );
        await writeDiffs(w, live, diffs, (type, spec) =>
          type === 'site' ? spec : redact(KINDS[type], spec, false),
        );
        const directors = directorEffects(
          snapshotOf(site, w.site.revision, live.state),
          snapshotOf(site, w.site.revision + 1, target),
        );
        return {
          objects: diffs.map(wireDiff).map((d) => ({
            ...d,
            ...(d.before ? { before: show(d.resourceType, d.before as never) } : {}),
            ...(d.after ? { after: show(d.resourceType, d.after as never) } : {}),
          })),
          kept,
          directors,
          reelections: reelectionsOf(directors),
        };
      },
      { dryRun },
    );
    return c.json({ site, dryRun, changed, toRevision, revision, ...result }, 200);
  });
  return app;
}
