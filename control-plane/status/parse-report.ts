/**
 * @module Parsing and validating an agent's status report: the expensive part of
 * `POST /v1/agent/status` (a 100,000-real-server report is ~20 MiB of JSON). Pure: bytes in,
 * the validated report (defaults applied) or the reason it is refused out, so it can run on the
 * status report worker thread (report-worker.ts) or, when that is unavailable, in-process.
 */
import { AgentStatus } from '../../contract/index.js';

export type ReportRejection =
  | { ok: false; status: 400; detail: string }
  | { ok: false; status: 422; errors: { path: string; message: string }[] };

export type ValidatedReport = { ok: true; report: AgentStatus } | ReportRejection;

export function validateReport(bytes: Uint8Array): ValidatedReport {
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
  return { ok: true, report: result.data };
}
