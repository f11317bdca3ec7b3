/**
 * @module The one gate every desired-state document passes before use, wherever it comes from
 * (a file, the last-known-good copy, the control plane): JSON, then the contract's schema, then
 * its semantic rules. Every problem is reported with its path; nothing is used unless all pass.
 */
import { parseDesiredState, type DesiredState } from '../../contract/desired-state.js';
import { formatPath, validateDesiredState } from '../../contract/validate.js';

/** Where in the document, and what: what a status report's `rejected.reasons` carries. */
export interface Reason {
  path: string;
  message: string;
}

export type DocumentCheck =
  /** `ignored`: paths of fields this agent does not know (a newer control plane's), skipped. */
  | { ok: true; document: DesiredState; ignored?: string[] }
  /** `problems` renders `reasons` as `source: path: message` lines for logs and the CLI. */
  | { ok: false; reasons: Reason[]; problems: string[] };

/** A failed check from its reasons; `source` (a file or a URL) prefixes each problem line. */
export function refused(source: string, reasons: Reason[]): DocumentCheck & { ok: false } {
  const problems = reasons.map((r) =>
    r.path === '' ? `${source}: ${r.message}` : `${source}: ${r.path}: ${r.message}`,
  );
  return { ok: false, reasons, problems };
}

/** Checks a document given as JSON text. */
export function checkDocumentText(text: string, source: string): DocumentCheck {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return refused(source, [{ path: '', message: (error as Error).message }]);
  }
  return checkDocument(json, source);
}

/** Checks a parsed JSON value against the contract. */
export function checkDocument(json: unknown, source: string): DocumentCheck {
  const parsed = parseDesiredState(json);
  if (!parsed.success) {
    return refused(
      source,
      parsed.error.issues.map((i) => ({
        path: formatPath(i.path.filter((p) => typeof p !== 'symbol')),
        message: i.message,
      })),
    );
  }
  const issues = validateDesiredState(parsed.data);
  if (issues.length > 0) {
    return refused(
      source,
      issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  return { ok: true, document: parsed.data, ignored: parsed.ignored.map(formatPath) };
}
