/**
 * @module Reading a desired-state document from a file: JSON, then the contract's schema, then
 * its semantic rules, every problem reported with its path. Nothing is used unless all pass.
 */
import { readFile } from 'node:fs/promises';
import { DesiredState } from '../contract/desired-state.js';
import { formatPath, validateDesiredState } from '../contract/validate.js';

export type DesiredFileResult =
  { ok: true; document: DesiredState } | { ok: false; problems: string[] };

export async function readDesiredFile(path: string): Promise<DesiredFileResult> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    return { ok: false, problems: [`${path}: ${(error as Error).message}`] };
  }
  const parsed = DesiredState.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map(
        (i) => `${path}: ${formatPath(i.path.filter((p) => typeof p !== 'symbol'))}: ${i.message}`,
      ),
    };
  }
  const issues = validateDesiredState(parsed.data);
  if (issues.length > 0) {
    return {
      ok: false,
      problems: issues.map((i) => `${path}: ${formatPath(i.path)}: ${i.message}`),
    };
  }
  return { ok: true, document: parsed.data };
}
