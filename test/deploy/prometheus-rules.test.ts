/**
 * deploy/prometheus: the alert rules pass `promtool check rules`, their unit tests pass
 * `promtool test rules`, every alert has a firing and a silent case in those tests (a new alert
 * without tests fails here), and every alert carries a severity, a summary, a description and a
 * runbook that exists in docs/runbooks/ and is listed in its README.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { prerequisite } from '../support/tier.js';
import {
  REPO,
  RULES_FILE,
  alertCases,
  readRules,
  alertRules,
  ruleFilesOf,
  ruleTestFiles,
} from './rule-files.js';

const promtool = prerequisite(
  spawnSync('sh', ['-c', 'command -v promtool']).status === 0,
  'promtool is not installed (Debian package prometheus)',
);

function run(args: string[]) {
  const result = spawnSync('promtool', args, { encoding: 'utf8', cwd: REPO });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('promtool check rules accepts the rule file', { skip: promtool }, () => {
  const { status, output } = run(['check', 'rules', RULES_FILE]);
  assert.equal(status, 0, output);
  assert.match(output, new RegExp(`SUCCESS: ${readRules().length} rules found`));
});

test('promtool test rules: every unit test passes', { skip: promtool }, () => {
  const files = ruleTestFiles();
  assert.ok(files.length > 0, 'no *.test.yml under deploy/prometheus/tests');
  const { status, output } = run(['test', 'rules', ...files]);
  assert.equal(status, 0, output);
  assert.equal(output.match(/SUCCESS/g)?.length, files.length, output);
});

test('the unit tests load the rule file this repository ships', () => {
  for (const file of ruleTestFiles()) assert.deepEqual(ruleFilesOf(file), [RULES_FILE], file);
});

test('every alert has a firing case and a silent case in the unit tests', () => {
  const cases = alertCases();
  const known = new Set(alertRules().map((r) => r.alert));
  for (const c of cases)
    assert.ok(known.has(c.alertname), `${c.file} tests unknown ${c.alertname}`);
  for (const alert of known) {
    const mine = cases.filter((c) => c.alertname === alert);
    assert.ok(
      mine.some((c) => c.firing),
      `${alert}: no test expects it firing`,
    );
    assert.ok(
      mine.some((c) => !c.firing),
      `${alert}: no test expects it silent`,
    );
  }
});

test('every alert has a severity, a summary, a description and an existing runbook', () => {
  const names = new Set<string>();
  for (const rule of alertRules()) {
    assert.ok(!names.has(rule.alert), `${rule.alert} defined twice`);
    names.add(rule.alert);
    assert.match(rule.alert, /^Fleetlb[A-Z]\w+$/);
    assert.ok(['critical', 'warning'].includes(rule.labels?.severity ?? ''), rule.alert);
    assert.ok((rule.annotations?.summary ?? '').length > 0, `${rule.alert} summary`);
    assert.ok((rule.annotations?.description ?? '').length > 0, `${rule.alert} description`);
    const runbook = `docs/runbooks/${rule.alert}.md`;
    assert.equal(
      rule.annotations?.runbook_url,
      `https://github.com/fleetlb/fleetlb/blob/main/${runbook}`,
    );
    assert.ok(existsSync(`${REPO}${runbook}`), `${runbook} is missing`);
    const page = readFileSync(`${REPO}${runbook}`, 'utf8');
    assert.ok(page.startsWith(`# ${rule.alert}\n`), `${runbook} is titled by the alert`);
  }
  const index = readFileSync(`${REPO}docs/runbooks/README.md`, 'utf8');
  for (const name of names) assert.ok(index.includes(`](${name}.md)`), `README lists ${name}`);
});
