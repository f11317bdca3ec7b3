/**
 * @module Control-plane metrics (names per https://prometheus.io/docs/practices/naming/; queries,
 * errors and latency as https://prometheus.io/docs/practices/instrumentation/ asks of an
 * online-serving system): RED metrics per route template, build info, and each site's latest
 * revision read from the store at scrape time.
 * Hand-rolled rather than @hono/prometheus, whose prefix would also rename process_* metrics.
 */
import type { MiddlewareHandler } from 'hono';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/database.js';
import { sites } from '../db/schema.js';
import type { AppEnv } from './context.js';

const LABELS = ['method', 'route', 'status', 'ok'] as const;

export interface ControlPlaneMetrics {
  registry: Registry;
  middleware: MiddlewareHandler<AppEnv>;
  /** Counts a request answered before routing (http/early-throttle.ts). */
  countEarly(method: string, status: number): void;
}

export function createMetrics(db: Db, version: string): ControlPlaneMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'fleetlb_controlplane_http_requests_total',
    help: 'HTTP requests by route template and status',
    labelNames: LABELS,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'fleetlb_controlplane_http_request_duration_seconds',
    help: 'HTTP request latency by route template',
    labelNames: LABELS,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  new Gauge({
    name: 'fleetlb_controlplane_build_info',
    help: 'Build metadata',
    labelNames: ['version'],
    registers: [registry],
  }).set({ version }, 1);
  new Gauge({
    name: 'fleetlb_controlplane_config_latest_revision',
    help: 'Latest published revision of each site, read from the store',
    labelNames: ['site'],
    registers: [registry],
    async collect() {
      // Without a database the other metrics still matter most: keep the last values.
      const rows = await db
        .select({ name: sites.name, revision: sites.revision })
        .from(sites)
        .catch(() => undefined);
      if (!rows) return;
      this.reset();
      for (const row of rows) this.set({ site: row.name }, row.revision);
    },
  });

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const start = performance.now();
    await next();
    // routePath is the matched template (`/v1/sites/:site`), never the raw URL: bounded labels.
    const route = c.req.routePath || 'unmatched';
    if (route === '/metrics') return;
    const labels = {
      method: c.req.method,
      route,
      status: String(c.res.status),
      ok: String(c.res.status < 400),
    };
    requests.inc(labels);
    duration.observe(labels, (performance.now() - start) / 1000);
  };
  const countEarly = (method: string, status: number) =>
    requests.inc({ method, route: 'before-routing', status: String(status), ok: 'false' });
  return { registry, middleware, countEarly };
}
