/**
 * @module Parsing and validating an agent's status report: the expensive part of
 * `POST /v1/agent/status` (a 100,000-real-server report is ~20 MiB of JSON). Pure: bytes in,
 * the few fields the route needs plus the normalized report as JSON text out, so it can run on
 * a worker thread (report-parser.ts) and the result crosses back as one string.
 */
import { AgentStatus, type VrrpTransition } from '../../contract/index.js';

export type ParsedReport =
  | {
      ok: true;
      appliedRevision: number | null;
      transitions: VrrpTransition[];
      /** The validated report (defaults applied), serialized for a jsonb column. */
      json: string;
    }
  | { ok: false; status: 400; detail: string }
  | { ok: false; status: 422; errors: { path: string; message: string }[] };

export function parseReport(bytes: Uint8Array): ParsedReport {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { ok: false, status: 400, detail: 'Malformed JSON in request body' };
  }
  const result = AgentStatus.safeParse(value);
  if (!result.success) {
    return {
      ok: false,
      status: 422,
      errors: result.error.issues.map((issue) => ({
        path: ['body', ...issue.path.map(String)].join('.'),
        message: issue.message,
      })),
    };
  }
  return {
    ok: true,
    appliedRevision: result.data.appliedRevision,
    transitions: result.data.transitions,
    json: JSON.stringify(result.data),
  };
}
