/**
 * @module Unknown fields: every object an operator writes is a strict object (an unknown field
 * is refused, with a "did you mean" against the fields that object knows, the way kubectl's
 * `--validate=strict` refuses them), and documents that the control plane and the agent exchange
 * are read tolerantly (`parseTolerant`), so an older reader skips the fields a newer writer adds
 * instead of refusing the whole document.
 */
import { z } from 'zod';
import type { Issue } from './common.js';

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions, so `wieght` is
 * one edit from `weight`), case-insensitive.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows = Array.from({ length: s.length + 1 }, (_, i) =>
    Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= s.length; i++)
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  return rows[s.length]![t.length]!;
}

/**
 * The known field closest to `field`, if it is close enough to be a typo: at most a third of
 * its length in edits (at least 1, at most 3).
 * @example suggestField('wieght', ['name', 'weight']) // 'weight'
 */
export function suggestField(field: string, known: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(field.length / 3)));
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(field, key);
    if (distance <= limit && (best === undefined || distance < best.distance))
      best = { key, distance };
  }
  return best?.key;
}

const PREFIX = 'unknown field ';

/** `unknown field "wieght" (did you mean "weight"?)`. */
export function unknownFieldMessage(field: string, known: readonly string[]): string {
  const suggestion = suggestField(field, known);
  const hint = suggestion === undefined ? '' : ` (did you mean ${JSON.stringify(suggestion)}?)`;
  return `${PREFIX}${JSON.stringify(field)}${hint}`;
}

/**
 * A strict object: unknown fields are refused, each named with a suggestion. (zod reports them
 * in one `unrecognized_keys` issue per object; its message holds one line per field, which
 * `fieldIssues` splits into one issue per field.)
 */
export function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => unknownFieldMessage(key, known)).join('\n')
        : undefined,
  });
}

/**
 * The issues of a failed parse as (path, message) pairs, an unknown field pointing at itself:
 * `{path: ['checks', 0, 'intervall'], message: 'unknown field "intervall" (did you mean …)'}`.
 */
export function fieldIssues(error: z.core.$ZodError): Issue[] {
  return error.issues.flatMap((issue): Issue[] => {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (issue.code !== 'unrecognized_keys') return [{ path, message: issue.message }];
    const lines = issue.message.split('\n');
    return issue.keys.map((key) => {
      const own = `${PREFIX}${JSON.stringify(key)}`;
      const line = lines.find((l) => l === own || l.startsWith(`${own} `));
      return { path: [...path, key], message: line ?? own };
    });
  });
}

/** A tolerant parse: the data, or the issues; and the unknown fields it skipped. */
export type TolerantResult<T> =
  | { success: true; data: T; ignored: string[][] }
  | { success: false; error: z.ZodError; ignored: string[][] };

/** No document nests deeper than this; it bounds the retries of `parseTolerant`. */
const MAX_PASSES = 32;

/**
 * Parses `value` with `schema`, skipping unknown fields instead of refusing them (the reader's
 * choice, for documents a newer writer may extend: RFC 9413's robustness is for the reader who
 * asked for it, not the default). Every other problem still fails the parse. `ignored` lists
 * the paths of the fields it skipped, for a log line or a counter.
 */
export function parseTolerant<T extends z.ZodType>(
  schema: T,
  value: unknown,
): TolerantResult<z.output<T>> {
  const ignored: string[][] = [];
  let input = value;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const result = schema.safeParse(input);
    if (result.success) return { success: true, data: result.data, ignored };
    const unknown = result.error.issues.filter((i) => i.code === 'unrecognized_keys');
    if (unknown.length === 0) return { success: false, error: result.error, ignored };
    input = structuredClone(input);
    for (const issue of unknown) {
      const target = issue.path.reduce<unknown>(
        (node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key],
        input,
      ) as Record<string, unknown> | undefined;
      for (const key of issue.keys) {
        if (target !== undefined) delete target[key];
        ignored.push([...issue.path.map(String), key]);
      }
    }
  }
  const last = schema.safeParse(input);
  return last.success
    ? { success: true, data: last.data, ignored }
    : { success: false, error: last.error, ignored };
}
