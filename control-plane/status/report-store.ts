/**
 * @module Where the latest status report of each director is kept: a port with two adapters.
 *
 * - **PostgreSQL** (`DatabaseReportStore`): the table `agent_status`, so every replica of a
 *   stateless control plane sees every director's report.
 * - **Embedded PGlite** (`MemoryReportStore`): in this process. PGlite is PostgreSQL compiled to
 *   WebAssembly running on the event loop, and the data directory is held by one process
 *   (data-dir-lock.ts), so there is no other replica to share reports with. Storing a
 *   multi-MiB report in it stalled every request for hundreds of milliseconds (jsonb input runs
 *   on the main thread) and grew its WebAssembly heap for good (it never shrinks). A report is
 *   evidence that ages within seconds (report-evidence.ts), so nothing is lost by keeping it in
 *   memory: after a restart each director is `unknown` until its next report (5 s), as it would
 *   be on PostgreSQL once its stored report went stale.
 *
 * Reports arrive validated and serialized off the event loop (take-report.ts). On PostgreSQL the
 * status report worker upserts them over its own connection (`upsertReport`), and `save` is the
 * in-process fallback; on PGlite they arrive as UTF-8 bytes, held off the V8 heap (no string to
 * copy or mark) and parsed only when a view first reads them.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { AgentStatus } from '../../contract/index.js';
import type { Db, Tx } from '../db/database.js';
import { agentStatus } from '../db/schema.js';
import type { DirectorReport } from '../store/report-evidence.js';

/** One director's report as the route stores it. */
export interface IncomingReport {
  directorId: string;
  siteId: string;
  reportedAt: Date;
  appliedRevision: number | null;
  /** The validated report (defaults applied) as JSON text, or that text's UTF-8 bytes. */
  json: string | Uint8Array;
}

export interface ReportStore {
  /** Keeps `report` as its director's latest, within the transaction that checked the director. */
  save(tx: Tx, report: IncomingReport): Promise<void>;
  /** The latest report of every director of a site (or of `only` them), by director id. */
  latest(siteId: string, only?: readonly string[]): Promise<Map<string, DirectorReport>>;
}

/**
 * Keeps `report` as its director's latest in `agent_status`, in a transaction (`save`) or on its
 * own (the status report worker's connection, where the foreign key to `directors` refuses the
 * report of a director deleted meanwhile).
 */
export async function upsertReport(db: Db | Tx, report: IncomingReport): Promise<void> {
  const json = typeof report.json === 'string' ? report.json : decoder.decode(report.json);
  // The JSON goes over the wire once: the conflict branch takes it from EXCLUDED rather than
  // binding the (up to 32 MiB) text a second time.
  await db
    .insert(agentStatus)
    .values({
      directorId: report.directorId,
      siteId: report.siteId,
      reportedAt: report.reportedAt,
      appliedRevision: report.appliedRevision,
      report: sql`${json}::jsonb`,
    })
    .onConflictDoUpdate({
      target: agentStatus.directorId,
      set: {
        siteId: sql`excluded.site_id`,
        reportedAt: sql`excluded.reported_at`,
        appliedRevision: sql`excluded.applied_revision`,
        report: sql`excluded.report`,
      },
    });
}

const decoder = new TextDecoder();

export class DatabaseReportStore implements ReportStore {
  constructor(private readonly db: Db) {}

  save(tx: Tx, report: IncomingReport): Promise<void> {
    return upsertReport(tx, report);
  }

  async latest(siteId: string, only?: readonly string[]): Promise<Map<string, DirectorReport>> {
    const site = eq(agentStatus.siteId, siteId);
    const rows = await this.db
      .select()
      .from(agentStatus)
      .where(only ? and(site, inArray(agentStatus.directorId, [...only])) : site);
    return new Map(
      rows.map((row) => [
        row.directorId,
        // Stored after validation against AgentStatus, so its defaults are filled in.
        {
          reportedAt: row.reportedAt,
          appliedRevision: row.appliedRevision,
          report: row.report as AgentStatus,
        },
      ]),
    );
  }
}

interface HeldReport {
  siteId: string;
  reportedAt: Date;
  appliedRevision: number | null;
  /** The text or its bytes until a view first reads it, then the parsed report (not both). */
  body: string | Uint8Array | AgentStatus;
}

export class MemoryReportStore implements ReportStore {
  readonly #reports = new Map<string, HeldReport>();

  save(_tx: Tx, report: IncomingReport): Promise<void> {
    this.#reports.set(report.directorId, {
      siteId: report.siteId,
      reportedAt: report.reportedAt,
      appliedRevision: report.appliedRevision,
      body: report.json,
    });
    return Promise.resolve();
  }

  latest(siteId: string, only?: readonly string[]): Promise<Map<string, DirectorReport>> {
    const wanted = only ? new Set(only) : undefined;
    const found = new Map<string, DirectorReport>();
    for (const [directorId, held] of this.#reports) {
      if (held.siteId !== siteId || (wanted && !wanted.has(directorId))) continue;
      if (typeof held.body === 'string' || held.body instanceof Uint8Array) {
        const text = typeof held.body === 'string' ? held.body : decoder.decode(held.body);
        held.body = JSON.parse(text) as AgentStatus;
      }
      found.set(directorId, {
        reportedAt: held.reportedAt,
        appliedRevision: held.appliedRevision,
        report: held.body,
      });
    }
    return Promise.resolve(found);
  }
}
