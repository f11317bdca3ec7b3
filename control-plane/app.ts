/**
 * @module `createApp(deps)`: the whole HTTP API as a Hono app, with no module singletons and no
 * `listen` (tests drive it through `app.request`; main.ts serves it).
 */
import type { HttpBindings } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { authenticate, gate } from './http/auth.js';
import { declaredSizeLimit, guardedBody } from './http/body-guard.js';
import type { AppDeps, AppEnv } from './http/context.js';
import { createRouter } from './http/openapi.js';
import { errorHandler, notFound, Problem } from './http/problem.js';
import { agentRoutes } from './routes/agent.js';
import { auditRoutes } from './routes/audit.js';
import { deployRoutes } from './routes/deploy.js';
import { fleetRoutes } from './routes/fleet.js';
import { maintenanceRoutes } from './routes/maintenance.js';
import { registerDocs } from './routes/docs.js';
import { healthRoutes } from './routes/health.js';
import { KINDS } from './routes/objects/kinds.js';
import { directorDocumentRoutes } from './routes/director-document.js';
import { prometheusSdRoutes } from './routes/prometheus-sd.js';
import { registerObjectRoutes } from './routes/objects/handlers.js';
import { applyRoutes } from './routes/apply.js';
import { historyRoutes } from './routes/history.js';
import { rollbackRoutes } from './routes/rollback.js';
import { siteRoutes } from './routes/sites.js';
import { tokenRoutes } from './routes/tokens.js';
import { VERSION } from './version.js';

const JSON_BODY = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

export function createApp(
  deps: AppDeps,
  metricsMiddleware?: MiddlewareHandler<AppEnv>,
): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  if (metricsMiddleware) app.use('*', metricsMiddleware);
  const { bodyLimitBytes, statusBodyLimitBytes } = deps.options;
  const maxSizeFor = (path: string) =>
    path === '/v1/agent/status' ? statusBodyLimitBytes : bodyLimitBytes;
  const declaredSize = declaredSizeLimit(maxSizeFor);
  const readBody = guardedBody(maxSizeFor);
  // Only requests that may carry a body: reading the body stream of a GET makes the Node adapter
  // build a full Request, a fifth of the CPU of the agents' 304 path.
  const mayHaveBody = (method: string) => method !== 'GET' && method !== 'HEAD';
  app.use('/v1/*', (c, next) => (mayHaveBody(c.req.method) ? declaredSize(c, next) : next()));
  app.use('/v1/*', async (c, next) => {
    const method = c.req.method;
    // Over HTTP/1.1 the headers say whether a body follows (RFC 9112 §6.3): a POST without
    // Content-Length or Transfer-Encoding, or with Content-Length: 0, has none, although the
    // Node adapter still gives it a (empty) stream. In-process requests (tests) have no socket
    // and may carry a body without those headers.
    const hasBody = () => {
      const length = c.req.header('content-length');
      if (length !== undefined) return Number(length) > 0;
      if (c.req.header('transfer-encoding') !== undefined) return true;
      const overSocket = (c.env as Partial<HttpBindings> | undefined)?.incoming !== undefined;
      return !overSocket && c.req.raw.body !== null;
    };
    if ((method === 'POST' || method === 'PUT' || method === 'PATCH') && hasBody()) {
      const type = c.req.header('content-type');
      if (type === undefined || !JSON_BODY.test(type)) {
        throw new Problem(
          415,
          'unsupported-media-type',
          'Unsupported media type',
          'send a JSON body with Content-Type: application/json',
        );
      }
    }
    await next();
  });
  // Authentication reads headers only; no body is read for a caller who has not authenticated.
  app.use('/v1/*', authenticate(), gate());
  app.use('/v1/*', (c, next) => (mayHaveBody(c.req.method) ? readBody(c, next) : next()));

  app.route('/', healthRoutes());
  app.route('/', siteRoutes());
  for (const kind of Object.values(KINDS)) registerObjectRoutes(app, kind);
  app.route('/', applyRoutes());
  app.route('/', historyRoutes());
  app.route('/', rollbackRoutes());
  app.route('/', agentRoutes());
  app.route('/', tokenRoutes());
  app.route('/', auditRoutes());
  app.route('/', fleetRoutes());
  app.route('/', deployRoutes());
  app.route('/', maintenanceRoutes());
  app.route('/', prometheusSdRoutes());
  app.route('/', directorDocumentRoutes());
  registerDocs(app, VERSION);

  app.notFound((c) => {
    throw notFound(`${c.req.method} ${new URL(c.req.url).pathname}`);
  });
  app.onError(errorHandler(deps.logger));
  return app;
}
