/**
 * deploy/prometheus: the rules read only what the code exports. Every `fleetlb_*` metric an
 * expression selects is in the exposition of a real agent registry (fed the contract's fixture
 * document) or of a real control plane (PGlite, one site, one request); every label it matches
 * on or aggregates by is one of that metric's labels or a target label service discovery adds;
 * and every exact label value it matches (state="master", to="master"…) is one the code exports.
 * A renamed metric or label breaks this test instead of silently muting an alert.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { DesiredState } from '../../contract/desired-state.js';
import { createAgentMetrics } from '../../agent/metrics/index.js';
import { startTestControlPlane } from '../support/control-plane.js';
import { seedSite } from '../support/fleet.js';
import { REPO, readRules } from './rule-files.js';

/** Labels the scrape configuration gives every target (job, instance) or every agent (SD). */
const TARGET_LABELS = new Set(['job', 'instance', 'site', 'director']);

type Exposition = Map<string, Record<string, string>[]>;

/** `name{a="b"} 1` lines → name → the label sets of its series. */
function parseExposition(text: string, into: Exposition = new Map()): Exposition {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? \S+$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    into.set(match[1]!, [...(into.get(match[1]!) ?? []), labels]);
  }
  return into;
}

async function agentExposition(): Promise<string> {
  const fixture = new URL('contract/fixtures/director-ipv4-nat.json', `file://${REPO}`);
  const document = DesiredState.parse(JSON.parse(readFileSync(fixture, 'utf8')));
  const metrics = createAgentMetrics({ version: '0.1.0' });
  metrics.vrrp.syncInstances(document.vrrpInstances);
  metrics.ipvs.syncDocument(document.virtualServers);
  metrics.health.syncDocument(document.virtualServers);
  metrics.config.applied(document.revision);
  return metrics.registry.metrics();
}

let exported: Exposition;
let stopControlPlane: (() => Promise<void>) | undefined;

before(async () => {
  exported = parseExposition(await agentExposition());
  const { cp, stop } = await startTestControlPlane('pglite');
  stopControlPlane = stop;
  await seedSite(cp);
  await cp.request('GET', '/v1/sites');
  parseExposition((await cp.request('GET', '/metrics', { token: null })).text, exported);
});

after(async () => {
  await stopControlPlane?.();
});

interface Selector {
  metric: string;
  matchers: { label: string; op: string; value: string }[];
}

function selectorsOf(expr: string): Selector[] {
  return [...expr.matchAll(/\b(fleetlb_\w+)\s*(?:\{([^}]*)\})?/g)].map((m) => ({
    metric: m[1]!,
    matchers: [...(m[2] ?? '').matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)].map((x) => ({
      label: x[1]!,
      op: x[2]!,
      value: x[3]!,
    })),
  }));
}

/** Labels named in by (…), without (…), on (…), ignoring (…), group_left (…), group_right (…). */
function groupingLabelsOf(expr: string): string[] {
  return [...expr.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g)]
    .flatMap((m) => m[1]!.split(','))
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

test('the agent and the control plane both contributed to the exposition', () => {
  assert.ok(exported.has('fleetlb_vrrp_state'));
  assert.ok(exported.has('fleetlb_controlplane_http_requests_total'));
  assert.ok(exported.has('fleetlb_controlplane_config_latest_revision'));
});

test('every metric, label and exact label value the rules use is exported', () => {
  for (const rule of readRules()) {
    const name = rule.alert ?? rule.record;
    const selectors = selectorsOf(rule.expr);
    const known = new Set(TARGET_LABELS);
    for (const { metric, matchers } of selectors) {
      const series = exported.get(metric);
      assert.ok(series !== undefined && series.length > 0, `${name}: ${metric} is not exported`);
      const labels = new Set(series.flatMap((s) => Object.keys(s)));
      labels.forEach((l) => known.add(l));
      for (const { label, op, value } of matchers) {
        assert.ok(
          labels.has(label) || TARGET_LABELS.has(label),
          `${name}: ${metric} has no label ${label}`,
        );
        if (op !== '=' || TARGET_LABELS.has(label)) continue;
        assert.ok(
          series.some((s) => s[label] === value),
          `${name}: ${metric} never has ${label}="${value}"`,
        );
      }
    }
    if (selectors.length === 0) continue; // reads a recording rule
    for (const label of groupingLabelsOf(rule.expr)) {
      assert.ok(known.has(label), `${name}: groups by ${label}, which none of its metrics has`);
    }
  }
});
