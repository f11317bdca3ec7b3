/**
 * The generated dashboards are current classic Grafana JSON: schemaVersion ≥ 39, a flat
 * `panels` list (no dash-gen `rows`), modern panel types only, every panel and target on the
 * `${datasource}` Prometheus reference, unique ids, gridPos inside the 24 columns and never
 * overlapping, every variable referenced exists (and every variable is used), and the
 * datasource variable is of type datasource.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GridPos } from '../../dashboards/grafana-types.js';
import { allDashboards, isRow, panelQueries } from '../../dashboards/index.js';
import { variableReferences } from './promql-text.js';

const MODERN = new Set([
  'timeseries',
  'stat',
  'state-timeline',
  'status-history',
  'table',
  'heatmap',
  'bargauge',
]);
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
const dashboards = allDashboards();

function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

test('four dashboards with distinct uids and the current schema', () => {
  assert.deepEqual(
    dashboards.map((d) => d.uid),
    [
      'fleetlb-fleet-overview',
      'fleetlb-virtual-servers',
      'fleetlb-agents',
      'fleetlb-control-plane',
    ],
  );
  for (const d of dashboards) {
    assert.ok(d.schemaVersion >= 39, `${d.uid}: schemaVersion ${d.schemaVersion}`);
    assert.ok(
      !('rows' in d) && !('style' in d) && !('originalTitle' in d),
      `${d.uid}: legacy keys`,
    );
    assert.equal(d.id, null);
  }
});

test('every panel: modern type, gridPos in the grid, Prometheus datasource on panel and targets', () => {
  for (const d of dashboards) {
    for (const panel of d.panels) {
      const where = `${d.uid} / ${panel.title}`;
      const pos = panel.gridPos;
      assert.ok(pos !== undefined, `${where}: gridPos`);
      assert.ok(pos.x >= 0 && pos.w >= 1 && pos.x + pos.w <= 24 && pos.h >= 1, `${where}: in grid`);
      if (isRow(panel)) {
        assert.deepEqual(panel.panels, [], `${where}: expanded rows hold no panels`);
        continue;
      }
      assert.ok(MODERN.has(panel.type), `${where}: type ${panel.type}`);
      assert.deepEqual(panel.datasource, DATASOURCE, `${where}: datasource`);
      assert.ok((panel.targets ?? []).length > 0, `${where}: has queries`);
      const refIds = new Set<string>();
      for (const target of panel.targets ?? []) {
        assert.deepEqual(target.datasource, DATASOURCE, `${where}: target datasource`);
        assert.ok(target.expr.length > 0 && !('target' in target), `${where}: expr, not target`);
        assert.ok(!refIds.has(target.refId), `${where}: refId ${target.refId} unique`);
        refIds.add(target.refId);
      }
      assert.ok(panel.fieldConfig !== undefined && panel.options !== undefined, where);
    }
  }
});

test('panel ids are unique and no two panels overlap', () => {
  for (const d of dashboards) {
    const ids = d.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, `${d.uid}: unique ids`);
    const placed = d.panels.map((p) => ({ title: p.title, pos: p.gridPos as GridPos }));
    placed.forEach((a, i) => {
      for (const b of placed.slice(i + 1)) {
        assert.ok(!overlaps(a.pos, b.pos), `${d.uid}: "${a.title}" overlaps "${b.title}"`);
      }
    });
  }
});

test('variables: datasource first and of type datasource; query variables on ${datasource}', () => {
  for (const d of dashboards) {
    const [first, ...rest] = d.templating.list;
    assert.equal(first?.name, 'datasource', d.uid);
    assert.equal(first?.type, 'datasource');
    assert.equal(first?.query, 'prometheus');
    for (const v of rest) {
      assert.equal(v.type, 'query', `${d.uid} $${v.name}`);
      assert.deepEqual(v.datasource, DATASOURCE, `${d.uid} $${v.name}`);
      assert.match(String(v.query), /^label_values\(.+, \w+\)$/, `${d.uid} $${v.name}`);
      assert.equal(v.definition, v.query);
      assert.equal(v.allValue, '.*', `${d.uid} $${v.name}: All works inside =~`);
      assert.equal(v.refresh, 2);
    }
  }
});

test('every variable referenced exists, and every variable is used by a query', () => {
  for (const d of dashboards) {
    const defined = new Set(d.templating.list.map((v) => v.name));
    const queries = panelQueries(d).map((q) => q.expr);
    const texts = [
      ...queries,
      ...d.templating.list.map((v) => String(v.query)),
      JSON.stringify(d.panels.map((p) => ('datasource' in p ? p.datasource : null))),
    ];
    for (const text of texts) {
      for (const name of variableReferences(text)) {
        if (name.startsWith('__')) continue; // Grafana's global variables
        assert.ok(defined.has(name), `${d.uid}: $${name} is not defined (in ${text})`);
      }
    }
    const used = new Set(queries.flatMap(variableReferences));
    for (const name of defined) {
      if (name === 'datasource') continue;
      assert.ok(used.has(name), `${d.uid}: $${name} is defined but no query uses it`);
    }
  }
});

test('annotations: built-in first; failovers come from the transitions counter', () => {
  for (const d of dashboards) assert.equal(d.annotations.list[0]?.builtIn, 1, d.uid);
  const overview = dashboards.find((d) => d.uid === 'fleetlb-fleet-overview');
  const failovers = overview?.annotations.list.find((a) => a.name === 'Failovers');
  assert.deepEqual(failovers?.datasource, DATASOURCE);
  assert.match(
    String(failovers?.target?.expr),
    /increase\(fleetlb_vrrp_transitions_total\{to="master"/,
  );
});
