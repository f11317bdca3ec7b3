/**
 * @module The one gate every desired-state document passes before use, wherever it comes from
 * (a file, the last-known-good copy, the control plane): JSON, then the contract's schema, then
 * its semantic rules. Every problem is reported with its path; nothing is used unless all pass.
 */
import { DesiredState } from '../../contract/desired-state.js';
import { formatPath, validateDesiredState } from '../../contract/validate.js';

export type DocumentCheck =
  { ok: true; document: DesiredState } | { ok: false; problems: string[] };

/** Checks a document given as JSON text; `source` prefixes every problem (a path or a URL). */
export function checkDocumentText(text: string, source: string): DocumentCheck {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`${source}: ${(error as Error).message}`] };
  }
  return checkDocument(json, source);
}

/** Checks a parsed JSON value against the contract. */
export function checkDocument(json: unknown, source: string): DocumentCheck {
  const parsed = DesiredState.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${source}: ${formatPath(i.path.filter((p) => typeof p !== 'symbol'))}: ${i.message}`,
    );
    return { ok: false, problems };
  }
  const issues = validateDesiredState(parsed.data);
  if (issues.length > 0) {
    return {
      ok: false,
      problems: issues.map((i) => `${source}: ${formatPath(i.path)}: ${i.message}`),
    };
  }
  return { ok: true, document: parsed.data };
}
