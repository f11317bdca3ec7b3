/**
 * @module Deploy operations (permission `operate`: admins and operators):
 * - `POST .../virtual-servers/{vs}/real-servers/{name}/drain?wait=` and `.../restore`;
 * - `POST /v1/sites/{site}/real-servers/{drain,restore,weight}?selector=`: every real server of
 *   the site whose labels match, changed atomically in one revision.
 * A drain sets adminState `draining` (the weight is kept, the agent programs 0). With `wait` it
 * answers 200 once every director carrying the real server applied the drain's revision and
 * reports no active connection to it, else 202 with what is left when the wait runs out.
 * Each takes `?dryRun=true`: checked and rolled back, the answer a WritePreview (no wait).
 */
import { createRoute, z } from '@hono/zod-openapi';
import {
  DrainResult,
  Name,
  RealServerChangeResult as ChangeResult,
  WeightChange,
  WritePreview,
  type AffectedRealServer,
  type Selector,
} from '../../contract/index.js';
import { actorName, authorize } from '../http/auth.js';
import type { AppDeps } from '../http/context.js';
import { createRouter } from '../http/openapi.js';
import { badRequest } from '../http/problem.js';
import {
  changeRealServers,
  drainChange,
  restoreChange,
  waitForDrain,
  weightChange,
  type RealServerTarget,
} from '../store/drain.js';
import { problemResponses, selectorParam } from './common.js';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const tags = ['deploy'];

const oneParams = z.object({ site: Name, virtualServer: Name, name: Name });
const siteParams = z.object({ site: Name });
const wait = z.coerce.number().int().min(0).max(3600).default(0).meta({
  description:
    'Seconds to wait for the drain to complete (capped by the server); 0 answers at once',
});
const selector = z
  .string()
  .max(1024)
  .meta({ description: 'Label selector (non-empty), e.g. app=web,version=v1' });
const dryRun = z.enum(['true', 'false']).default('false').meta({
  description:
    'Answer what the change would do (a WritePreview: changes, revision, effect per director) and roll back',
});
const drainResponses = {
  200: {
    description:
      'Drained: every director applied it and reports no active connection (with dryRun: a WritePreview)',
    ...json(z.union([DrainResult, WritePreview])),
  },
  202: {
    description: 'Draining: the wait ran out (or was not asked for) first',
    ...json(DrainResult),
  },
};

const onePath = '/v1/sites/{site}/virtual-servers/{virtualServer}/real-servers/{name}';
const routes = {
  drainOne: createRoute({
    method: 'post',
    path: `${onePath}/drain`,
    tags,
    summary: 'Drain a real server (adminState draining), optionally waiting for it',
    request: { params: oneParams, query: z.object({ wait, dryRun }) },
    responses: { ...drainResponses, ...problemResponses(400, 401, 403, 404) },
  }),
  restoreOne: createRoute({
    method: 'post',
    path: `${onePath}/restore`,
    tags,
    summary: 'Put a real server back in service (adminState enabled)',
    request: { params: oneParams, query: z.object({ dryRun }) },
    responses: {
      200: {
        description: 'Restored (with dryRun: a WritePreview)',
        ...json(z.union([ChangeResult, WritePreview])),
      },
      ...problemResponses(401, 403, 404),
    },
  }),
  drainSelected: createRoute({
    method: 'post',
    path: '/v1/sites/{site}/real-servers/drain',
    tags,
    summary: 'Drain every real server of the site matching a selector, in one revision',
    request: { params: siteParams, query: z.object({ selector, wait, dryRun }) },
    responses: { ...drainResponses, ...problemResponses(400, 401, 403, 404) },
  }),
  restoreSelected: createRoute({
    method: 'post',
    path: '/v1/sites/{site}/real-servers/restore',
    tags,
    summary: 'Restore every real server of the site matching a selector, in one revision',
    request: { params: siteParams, query: z.object({ selector, dryRun }) },
    responses: {
      200: {
        description: 'Restored (with dryRun: a WritePreview)',
        ...json(z.union([ChangeResult, WritePreview])),
      },
      ...problemResponses(400, 401, 403, 404),
    },
  }),
  weightSelected: createRoute({
    method: 'post',
    path: '/v1/sites/{site}/real-servers/weight',
    tags,
    summary: 'Set the weight of every real server of the site matching a selector, in one revision',
    request: {
      params: siteParams,
      query: z.object({ selector, dryRun }),
      body: {
        required: true,
        ...json(WeightChange),
      },
    },
    responses: {
      200: {
        description: 'Changed (with dryRun: a WritePreview)',
        ...json(z.union([ChangeResult, WritePreview])),
      },
      ...problemResponses(400, 401, 403, 404, 413, 415, 422),
    },
  }),
};

/** A selector for a whole-site operation: required and non-empty, so nothing is drained by accident. */
function requiredSelector(text: string): { selector: Selector; text: string } {
  if (text.trim() === '') {
    throw badRequest(
      'a non-empty selector is required (e.g. selector=app=web,version=v1): operations on a whole site are never implicit',
    );
  }
  return { selector: selectorParam(text), text };
}

/** Drains the target, then waits up to `waitS` (capped by the server) for it to complete. */
async function drain(
  deps: AppDeps,
  site: string,
  actor: string,
  target: RealServerTarget,
  waitS: number,
  signal: AbortSignal,
  dryRun: boolean,
) {
  const result = await changeRealServers(deps, site, actor, target, drainChange, { dryRun });
  if (result.preview) return { preview: result.preview };
  const waitMs = Math.min(waitS, deps.options.maxWaitS) * 1000;
  const remaining = await waitForDrain(
    { reportStore: deps.reportStore, bus: deps.bus },
    result.siteId,
    result.revision,
    result.targets,
    waitMs,
    signal,
  );
  return {
    drained: remaining.length === 0,
    revision: result.revision,
    changed: result.changed,
    realServers: result.realServers,
    remaining,
  };
}

const changeBody = ({
  revision,
  changed,
  realServers,
}: {
  revision: number;
  changed: boolean;
  realServers: AffectedRealServer[];
}) => ({
  revision,
  changed,
  realServers,
});

export function deployRoutes() {
  const app = createRouter();

  app.openapi(routes.drainOne, async (c) => {
    const actor = actorName(authorize(c, 'operate'));
    const { site, virtualServer, name } = c.req.valid('param');
    const body = await drain(
      c.var.deps,
      site,
      actor,
      { virtualServer, name },
      c.req.valid('query').wait,
      c.req.raw.signal,
      c.req.valid('query').dryRun === 'true',
    );
    if ('preview' in body) return c.json(body.preview, 200);
    return body.drained ? c.json(body, 200) : c.json(body, 202);
  });

  app.openapi(routes.restoreOne, async (c) => {
    const actor = actorName(authorize(c, 'operate'));
    const { site, virtualServer, name } = c.req.valid('param');
    const result = await changeRealServers(
      c.var.deps,
      site,
      actor,
      { virtualServer, name },
      restoreChange,
      { dryRun: c.req.valid('query').dryRun === 'true' },
    );
    return c.json(result.preview ?? changeBody(result), 200);
  });

  app.openapi(routes.drainSelected, async (c) => {
    const actor = actorName(authorize(c, 'operate'));
    const { selector: text, wait: waitS } = c.req.valid('query');
    const body = await drain(
      c.var.deps,
      c.req.valid('param').site,
      actor,
      requiredSelector(text),
      waitS,
      c.req.raw.signal,
      c.req.valid('query').dryRun === 'true',
    );
    if ('preview' in body) return c.json(body.preview, 200);
    return body.drained ? c.json(body, 200) : c.json(body, 202);
  });

  app.openapi(routes.restoreSelected, async (c) => {
    const actor = actorName(authorize(c, 'operate'));
    const target = requiredSelector(c.req.valid('query').selector);
    const result = await changeRealServers(
      c.var.deps,
      c.req.valid('param').site,
      actor,
      target,
      restoreChange,
      { dryRun: c.req.valid('query').dryRun === 'true' },
    );
    return c.json(result.preview ?? changeBody(result), 200);
  });

  app.openapi(routes.weightSelected, async (c) => {
    const actor = actorName(authorize(c, 'operate'));
    const target = requiredSelector(c.req.valid('query').selector);
    const change = weightChange(c.req.valid('json').weight);
    const result = await changeRealServers(
      c.var.deps,
      c.req.valid('param').site,
      actor,
      target,
      change,
      { dryRun: c.req.valid('query').dryRun === 'true' },
    );
    return c.json(result.preview ?? changeBody(result), 200);
  });

  return app;
}
