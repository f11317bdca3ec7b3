/**
 * @module What is done with one status report, on the status report worker thread
 * (report-worker.ts) or in-process when that is unavailable: validate it, and on PostgreSQL,
 * when the thread has its own connection, check its applied revision and upsert it into
 * `agent_status` there, so the event loop never holds the report's text. What comes back is
 * small: the applied revision and the transitions (bounded by the contract), or why the report
 * was refused; the report itself only when the caller must store it (PGlite: as UTF-8 bytes that
 * cross threads by transfer, not as a string the event loop would copy and garbage-collect).
 */
import type { VrrpTransition } from '../../contract/index.js';
import type { Db } from '../db/database.js';
import { isDatabaseUnavailable, unavailableReason } from '../db/unavailable.js';
import { readRevision } from '../store/site-snapshot.js';
import { validateReport, type ReportRejection } from './parse-report.js';
import { upsertReport } from './report-store.js';

/** Whose report it is, for a thread that stores it itself. */
export interface ReportTarget {
  directorId: string;
  siteId: string;
  reportedAtMs: number;
  /** The site's revision as the event loop knows it (its cache may lag another replica). */
  knownRevision: number | undefined;
}

export type TakenReport =
  | ReportRejection
  /** The report claims a revision the site never reached (checked against the database). */
  | { ok: false; status: 'ahead'; current: number | undefined }
  /** The director was deleted since its token was checked (the foreign key refused the row). */
  | { ok: false; status: 'director-gone' }
  /** The database went away under the upsert: it may or may not have committed. */
  | { ok: false; status: 'unavailable'; code: string; message: string }
  | {
      ok: true;
      appliedRevision: number | null;
      transitions: VrrpTransition[];
      /** Absent: already stored in `agent_status`. Present: the caller stores it. */
      json?: string | Uint8Array;
      /** Why the thread could not store it although asked to (logged once by the caller). */
      storeFailed?: string;
    };

/** SQLSTATE foreign_key_violation (PostgreSQL manual, Appendix A), possibly wrapped by drizzle. */
function isForeignKeyViolation(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Object && depth < 5; depth++) {
    if ((e as { code?: unknown }).code === '23503') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Validates `bytes` and, given a database and a target, stores the report there. `asBytes`:
 * return a report the caller stores as UTF-8 bytes (to be transferred) rather than as text.
 */
export async function takeReport(
  bytes: Uint8Array,
  store: { db: Db; target: ReportTarget } | undefined,
  asBytes: boolean,
): Promise<TakenReport> {
  const validated = validateReport(bytes);
  if (!validated.ok) return validated;
  const { report } = validated;
  const summary = {
    ok: true as const,
    appliedRevision: report.appliedRevision,
    transitions: report.transitions,
  };
  const text = JSON.stringify(report);
  if (!store) return { ...summary, json: asBytes ? new TextEncoder().encode(text) : text };
  const { db, target } = store;
  try {
    if (report.appliedRevision !== null && report.appliedRevision > (target.knownRevision ?? 0)) {
      // The event loop's revision may lag a commit made on another replica: ask the database.
      const current = await readRevision(db, target.siteId);
      if (current === undefined || report.appliedRevision > current)
        return { ok: false, status: 'ahead', current };
    }
    await upsertReport(db, {
      directorId: target.directorId,
      siteId: target.siteId,
      reportedAt: new Date(target.reportedAtMs),
      appliedRevision: report.appliedRevision,
      json: text,
    });
    return summary;
  } catch (err) {
    if (isForeignKeyViolation(err)) return { ok: false, status: 'director-gone' };
    if (isDatabaseUnavailable(err)) {
      const reason = unavailableReason(err);
      const code = reason.split(':')[0] ?? 'CONNECTION_CLOSED';
      return { ok: false, status: 'unavailable', code, message: reason };
    }
    // Not the database's state: hand the report back so the event loop stores it as before.
    const storeFailed = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    return { ...summary, json: asBytes ? new TextEncoder().encode(text) : text, storeFailed };
  }
}
