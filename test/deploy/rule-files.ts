/**
 * @module The Prometheus rule file and its promtool unit tests, read as data for the deploy tests:
 * which alerts exist, what they say, and which alerts each test expects firing or silent.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const RULES_FILE = `${REPO}deploy/prometheus/rules/fleetlb.rules.yml`;
export const RULE_TESTS_DIR = `${REPO}deploy/prometheus/tests`;

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}

interface AlertCase {
  eval_time: string;
  alertname: string;
  exp_alerts?: unknown[] | null;
}

interface RuleTestFile {
  rule_files: string[];
  tests: { name?: string; alert_rule_test?: AlertCase[] }[];
}

export function readRules(): Rule[] {
  const file = parse(readFileSync(RULES_FILE, 'utf8')) as RuleFile;
  return file.groups.flatMap((g) => g.rules);
}

export function alertRules(): (Rule & { alert: string })[] {
  return readRules().filter((r): r is Rule & { alert: string } => r.alert !== undefined);
}

/** The promtool test files (`*.test.yml`), as paths. */
export function ruleTestFiles(): string[] {
  return readdirSync(RULE_TESTS_DIR)
    .filter((f) => f.endsWith('.test.yml'))
    .sort()
    .map((f) => `${RULE_TESTS_DIR}/${f}`);
}

/** Every alert test case of every test file, with whether it expects the alert to fire. */
export function alertCases(): { file: string; alertname: string; firing: boolean }[] {
  return ruleTestFiles().flatMap((file) => {
    const parsed = parse(readFileSync(file, 'utf8')) as RuleTestFile;
    return parsed.tests.flatMap((t) =>
      (t.alert_rule_test ?? []).map((c) => ({
        file,
        alertname: c.alertname,
        firing: (c.exp_alerts ?? []).length > 0,
      })),
    );
  });
}

/** The rule files a test file names, resolved against its directory. */
export function ruleFilesOf(testFile: string): string[] {
  const parsed = parse(readFileSync(testFile, 'utf8')) as RuleTestFile;
  return parsed.rule_files.map((f) => fileURLToPath(new URL(f, `file://${testFile}`)));
}
