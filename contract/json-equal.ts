/**
 * @module Structural equality of JSON values (what zod parses from a document): objects compare
 * by their keys in any order, arrays in order; an absent key equals an `undefined` one, as
 * `JSON.stringify` would render both. Pure (the contract imports no `node:*`).
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => jsonEqual(item, other[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  for (const key of keys) if (!jsonEqual(x[key], y[key])) return false;
  return true;
}
