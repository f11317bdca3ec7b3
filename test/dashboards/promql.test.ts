/**
 * Every dashboard query (panel targets and annotations) is valid PromQL: with the Grafana
 * variables replaced by sample values, all of them go into one rules file as recording rules
 * and `promtool check rules` accepts it. Needs promtool (Debian package `prometheus`): skipped
 * with a reason on a developer machine without it, a failure in CI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { allPanelQueries, interpolate } from '../../dashboards/index.js';
import { prerequisite } from '../support/tier.js';
import { substituteVariables } from './promql-text.js';

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const skip = prerequisite(
  promtool.status === 0,
  'promtool not installed (Debian package prometheus)',
);

/** promtool's JSON-compatible YAML: one group per dashboard, one recording rule per query. */
function rulesFile(): { text: string; count: number } {
  const groups = new Map<string, { record: string; expr: string }[]>();
  for (const q of allPanelQueries()) {
    const rules = groups.get(q.dashboard) ?? [];
    rules.push({
      record: `dashboard:${q.dashboard.replace(/\W/g, '_')}:query_${rules.length + 1}`,
      expr: substituteVariables(q.expr),
    });
    groups.set(q.dashboard, rules);
  }
  const list = [...groups].map(([name, rules]) => ({ name, rules }));
  return { text: JSON.stringify({ groups: list }, null, 2), count: allPanelQueries().length };
}

test('substitution leaves no Grafana variable behind; an unknown variable throws', () => {
  for (const q of allPanelQueries()) {
    assert.doesNotMatch(substituteVariables(q.expr), /\$/, `${q.dashboard} / ${q.panel}`);
  }
  assert.equal(interpolate('up{a=~"${x}", b=~"$x"}', { x: '.*' }), 'up{a=~".*", b=~".*"}');
  assert.throws(() => interpolate('up{site=~"$nope"}', {}), /no value for \$nope/);
});

test('promtool check rules accepts every panel query', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlb-dashboard-rules-'));
  try {
    const { text, count } = rulesFile();
    const file = join(dir, 'dashboard-queries.rules.yml');
    writeFileSync(file, text);
    const result = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    const output = `${result.stdout}${result.stderr}`;
    assert.equal(result.status, 0, output);
    assert.match(output, new RegExp(`SUCCESS: ${count} rules found`), output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('promtool rejects a broken query (the check is real)', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlb-dashboard-rules-'));
  try {
    const file = join(dir, 'broken.rules.yml');
    const rule = { record: 'dashboard:broken', expr: 'sum by (site (fleetlb_vrrp_state)' };
    writeFileSync(file, JSON.stringify({ groups: [{ name: 'broken', rules: [rule] }] }));
    const result = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    assert.notEqual(result.status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
