/**
 * @module `/openapi.json` and a Swagger UI page at `/docs`, served from the swagger-ui-dist
 * package on disk (no CDN: it works on air-gapped sites).
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AppEnv } from '../http/context.js';
import { documentHealthRoutes } from './health.js';

const ASSETS = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const SERVED = new Map([
  ['swagger-ui.css', 'text/css'],
  ['swagger-ui-bundle.js', 'text/javascript'],
]);

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fleetlb API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/docs/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', persistAuthorization: true });</script>
</body></html>`;

export function registerDocs(app: OpenAPIHono<AppEnv>, version: string): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
  });
  documentHealthRoutes(app);
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'fleetlb control plane',
      version,
      description:
        'Desired state of LVS/IPVS + VRRP load balancers across sites, the agent protocol, fleet views and deploy operations. ' +
        'Errors are RFC 9457 problem details. Every object has an ETag (its version); send If-Match to make a write conditional.',
    },
    security: [{ bearer: [] }],
  });
  app.get('/docs', (c) => c.html(PAGE));
  app.get('/docs/:asset', async (c) => {
    const type = SERVED.get(c.req.param('asset'));
    if (!type) return c.notFound();
    const body = await readFile(join(ASSETS, c.req.param('asset')));
    return c.body(body, 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
  });
}
