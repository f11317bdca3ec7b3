/**
 * @module Reading a stored spec back: the schemas are strict for what a client writes, but a row
 * may hold a field this version does not know (written by a newer control plane before a
 * rollback of the binary, or by an older one before a field was retired). Such a field is skipped,
 * not a 500; every other problem is still an error.
 */
import type { z } from 'zod';
import { parseTolerant } from '../../contract/index.js';

/** The stored `value` parsed with `schema`, unknown fields skipped. */
export function readStoredSpec<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = parseTolerant(schema, value);
  if (!parsed.success) throw parsed.error;
  return parsed.data;
}
