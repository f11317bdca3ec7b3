/**
 * @module Director maintenance (permission `operate`: admins and operators), a sub-resource of
 * the director so that applying manifests never ends it:
 * - `PUT /v1/sites/{site}/directors/{name}/maintenance?force=`: the director's instances drop to
 *   priority 1 and those it is master of hand over to their best backup (agent side:
 *   agent/core/vrrp/maintenance.ts). Refused with 409 naming the instances that no other
 *   healthy member could carry (fresh reports only), unless `force=true`.
 * - `DELETE` on the same path: resume; the director takes part in elections again with its
 *   normal priorities and preemption.
 * Each change is one revision (the director's document says `maintenance: true`, and the agent
 * keeps it with its last-known-good copy across restarts) and one audit event; asking for the
 * state already in force changes nothing. The answer lists the director's instances as the
 * control plane saw them, so a client knows which ones hand over (`fleetlb director
 * maintenance --wait` then follows the fleet view until each has a new master).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { MaintenanceRequest, MaintenanceResult, Name } from '../../contract/index.js';
import { actorName, authorize } from '../http/auth.js';
import { createRouter } from '../http/openapi.js';
import { changeMaintenance } from '../store/maintenance.js';
import { problemResponses } from './common.js';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const tags = ['deploy'];
const path = '/v1/sites/{site}/directors/{name}/maintenance';
const params = z.object({ site: Name, name: Name });
const force = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true')
  .meta({
    description:
      'Enter maintenance even when an instance would be left with no healthy backup (its VIPs may go down)',
  });

const routes = {
  enter: createRoute({
    method: 'put',
    path,
    tags,
    summary: 'Put a director in maintenance: its masterships hand over to the best backups',
    request: {
      params,
      query: z.object({ force }),
      body: { required: false, ...json(MaintenanceRequest) },
    },
    responses: {
      200: {
        description: 'In maintenance (changed: false when it already was)',
        ...json(MaintenanceResult),
      },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  resume: createRoute({
    method: 'delete',
    path,
    tags,
    summary: 'Take a director out of maintenance: it takes part in elections again',
    request: { params },
    responses: {
      200: {
        description: 'Resumed (changed: false when it was not in maintenance)',
        ...json(MaintenanceResult),
      },
      ...problemResponses(401, 403, 404),
    },
  }),
};

export function maintenanceRoutes() {
  const app = createRouter();

  app.openapi(routes.enter, async (c) => {
    const actor = actorName(authorize(c, 'operate'));
    const { site, name } = c.req.valid('param');
    const body = c.req.header('content-type') === undefined ? {} : c.req.valid('json');
    const result = await changeMaintenance(c.var.deps, site, name, actor, {
      on: true,
      force: c.req.valid('query').force,
      reason: body.reason,
      now: c.var.deps.clock.now(),
    });
    return c.json(result, 200);
  });

  app.openapi(routes.resume, async (c) => {
    const actor = actorName(authorize(c, 'operate'));
    const { site, name } = c.req.valid('param');
    const result = await changeMaintenance(c.var.deps, site, name, actor, {
      on: false,
      force: false,
      now: c.var.deps.clock.now(),
    });
    return c.json(result, 200);
  });

  return app;
}
