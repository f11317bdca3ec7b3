/**
 * @module Reading the dashboards' PromQL in tests: Grafana variables replaced by plausible
 * values (so promtool can parse it), and the metric selectors and range-function arguments a
 * query contains. A small scanner for the PromQL the dashboards write, not a full parser:
 * promtool checks the syntax; this finds names and matchers to compare with the registries.
 */
import { interpolate } from '../../dashboards/index.js';

/** Values for every variable the dashboards use; an unknown `$name` throws. */
export const SAMPLE_VALUES: Readonly<Record<string, string>> = {
  __rate_interval: '5m',
  __interval: '1m',
  __range: '1h',
  site: 'ams1',
  director: 'lb1',
  vrrp_instance: 'web',
  virtual_server: 'web-http',
  replica: '127.0.0.1:8080',
  route: '/v1/sites',
  datasource: 'prometheus',
};

export function substituteVariables(expr: string): string {
  return interpolate(expr, SAMPLE_VALUES);
}

/** `$name` / `${name}` references in a text. */
export function variableReferences(text: string): string[] {
  return [...text.matchAll(/\$\{(\w+)\}|\$(\w+)/g)].map((m) => (m[1] ?? m[2]) as string);
}

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Selector {
  metric: string;
  matchers: Matcher[];
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);
const GROUPING = /\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g;

/** Every instant-vector selector `metric{…}` of a query. */
export function selectors(expr: string): Selector[] {
  const text = expr.replace(GROUPING, ' ').replace(/\[[^\]]*\]/g, ' ');
  const out: Selector[] = [];
  const token = /(?<![\w.:])([a-zA-Z_:][\w:]*)\s*(\{[^}]*\})?\s*(\()?/g;
  for (const m of text.matchAll(token)) {
    const [, name, braces, call] = m;
    if (name === undefined || call !== undefined || KEYWORDS.has(name.toLowerCase())) continue;
    out.push({ metric: name, matchers: braces === undefined ? [] : matchers(braces) });
  }
  return out;
}

function matchers(braces: string): Matcher[] {
  const re = /(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;
  return [...braces.matchAll(re)].map((m) => ({
    label: m[1] as string,
    op: m[2] as Matcher['op'],
    value: m[3] as string,
  }));
}

/** Metric names passed straight to `rate(…)`/`increase(…)`: must be counters or buckets. */
export function rangeFunctionArguments(expr: string): string[] {
  return [...expr.matchAll(/\b(?:rate|increase|irate)\(\s*([a-zA-Z_:][\w:]*)/g)].map(
    (m) => m[1] as string,
  );
}
