/**
 * @module Prometheus HTTP service discovery (permission `read`, so a viewer token will do):
 * `GET /v1/prometheus/targets` lists one target group per director that has a `metricsAddress`,
 * in the http_sd format (`[{ targets: ["host:port"], labels: {...} }]`). Each group carries the
 * target labels `site` and `director` the alert rules aggregate by, and `__meta_fleetlb_*` labels
 * (the director's address, the site's and the director's own labels) for relabelling; Prometheus
 * drops `__meta_*` labels after relabelling unless a rule keeps them.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { asc, eq } from 'drizzle-orm';
import { DirectorSpec, Name, PrometheusTargetGroup, SiteSpec } from '../../contract/index.js';
import { directors, sites } from '../db/schema.js';
import { authorize } from '../http/auth.js';
import { createRouter } from '../http/openapi.js';
import { findSite } from '../store/sites.js';
import { problemResponses } from './common.js';
import { readStoredSpec } from '../store/stored-spec.js';

export type TargetGroup = PrometheusTargetGroup;

const route = createRoute({
  method: 'get',
  path: '/v1/prometheus/targets',
  tags: ['prometheus'],
  summary: "Prometheus http_sd targets: every director's agent metrics address",
  description:
    'Point a Prometheus `http_sd_configs` entry here with a viewer token. Directors without ' +
    '`metricsAddress` are left out.',
  request: { query: z.object({ site: Name.optional().meta({ description: 'Only this site' }) }) },
  responses: {
    200: {
      description: 'One target group per director with a metrics address',
      content: { 'application/json': { schema: z.array(PrometheusTargetGroup) } },
    },
    ...problemResponses(400, 401, 403, 404),
  },
});

/** What a target group is built from: the director's row and its site's. */
export interface DirectorRow {
  site: string;
  siteSpec: unknown;
  director: string;
  spec: unknown;
}

/** A label key (`app.kubernetes.io/name`) as a Prometheus label name (`app_kubernetes_io_name`). */
export function labelName(key: string): string {
  return key.replace(/[^A-Za-z0-9_]/g, '_');
}

function metaLabels(prefix: string, labels: Record<string, string>): Record<string, string> {
  const keys = Object.keys(labels).sort();
  return Object.fromEntries(keys.map((k) => [`${prefix}${labelName(k)}`, labels[k]!]));
}

/** Rows (in any order) → target groups, sorted by site then director. */
export function targetGroups(rows: readonly DirectorRow[]): TargetGroup[] {
  const sorted = [...rows].sort((a, b) =>
    a.site === b.site ? compare(a.director, b.director) : compare(a.site, b.site),
  );
  return sorted.flatMap((row) => {
    const spec = readStoredSpec(DirectorSpec, row.spec);
    if (spec.metricsAddress === undefined) return [];
    const site = readStoredSpec(SiteSpec, row.siteSpec);
    return [
      {
        targets: [spec.metricsAddress],
        labels: {
          ...metaLabels('__meta_fleetlb_site_label_', site.labels),
          ...metaLabels('__meta_fleetlb_director_label_', spec.labels),
          __meta_fleetlb_director_address: spec.address,
          site: row.site,
          director: row.director,
        },
      },
    ];
  });
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function prometheusSdRoutes() {
  const app = createRouter();
  app.openapi(route, async (c) => {
    authorize(c, 'read');
    const { db } = c.var.deps.database;
    const { site } = c.req.valid('query');
    const siteId = site === undefined ? undefined : (await findSite(db, site)).id;
    const rows = await db
      .select({
        site: sites.name,
        siteSpec: sites.spec,
        director: directors.name,
        spec: directors.spec,
      })
      .from(directors)
      .innerJoin(sites, eq(sites.id, directors.siteId))
      .where(siteId === undefined ? undefined : eq(directors.siteId, siteId))
      .orderBy(asc(sites.name), asc(directors.name));
    return c.json(targetGroups(rows), 200);
  });
  return app;
}
