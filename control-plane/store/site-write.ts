/**
 * @module The one way fleet objects change: a transaction that locks the site row (so writes to
 * one site serialise and validation sees a stable site), lets the caller change and validate,
 * then bumps the site's revision, writes one audit event per change, keeps each changed object's
 * new state in the site's history and queues the NOTIFY that wakes every replica's long-polls,
 * all atomically. A dry run does all of it but the commit: the changes, the revision they would
 * make and their effect on each director's document, then a rollback.
 */
import { eq, sql } from 'drizzle-orm';
import type { WritePreview } from '../../contract/index.js';
import { directorEffects } from '../compile/site-effect.js';
import type { Tx } from '../db/database.js';
import { auditEvents, sites } from '../db/schema.js';
import { publish, type EventBus } from '../events/bus.js';
import { notFound } from '../http/problem.js';
import { recordHistory } from './history.js';
import { readSnapshot } from './site-snapshot.js';
import type { SiteRow } from './sites.js';

export interface Change {
  action: string;
  resourceType: string;
  /** The resource's path: `ams1`, `ams1/directors/lb1`, `ams1/virtual-servers/web/real-servers/web1`. */
  resource: string;
  /** As the audit log shows it (secrets redacted). */
  before: unknown;
  after: unknown;
  /** The object as stored after the change when `after` is redacted (null or absent: as `after`). */
  stored?: unknown;
}

export interface SiteWrite {
  tx: Tx;
  site: SiteRow;
  record(change: Change): void;
}

export interface WriteOptions {
  /** Validate and preview, then roll back: nothing changes. */
  dryRun?: boolean | undefined;
}

/** Thrown inside the transaction to roll a dry run back with what it found. */
class DryRunDone<T> extends Error {
  constructor(
    readonly result: T,
    readonly preview: WritePreview,
  ) {
    super('dry run');
  }
}

/**
 * Runs `fn` in a transaction holding the site's row lock. If it recorded changes, the site's
 * revision is bumped once for all of them. Returns fn's result and the revision in force; with
 * `dryRun`, also the preview, and nothing is committed.
 */
export async function writeSite<T>(
  deps: { bus: EventBus },
  siteName: string,
  actor: string,
  fn: (write: SiteWrite) => Promise<T>,
  options: WriteOptions = {},
): Promise<{ result: T; revision: number; changed: boolean; preview?: WritePreview }> {
  try {
    return await deps.bus.transaction(async (tx) => {
      const [site] = await tx.select().from(sites).where(eq(sites.name, siteName)).for('update');
      if (!site) throw notFound(`site ${siteName}`);
      const before = options.dryRun ? await readSnapshot(tx, site.id) : undefined;
      const changes: Change[] = [];
      const result = await fn({ tx, site, record: (c) => changes.push(c) });
      if (before) {
        const after = (await readSnapshot(tx, site.id)) ?? before;
        throw new DryRunDone(result, {
          site: site.name,
          dryRun: true,
          changed: changes.length > 0,
          revision: site.revision + (changes.length > 0 ? 1 : 0),
          changes: changes.map(({ action, resourceType, resource, before, after }) => ({
            action,
            resourceType,
            resource,
            ...(before == null ? {} : { before }),
            ...(after == null ? {} : { after }),
          })),
          directors: directorEffects(before, after),
        });
      }
      if (changes.length === 0) return { result, revision: site.revision, changed: false };
      const revision = await bumpRevision(tx, site.id);
      await recordAudit(tx, actor, site.id, revision, changes);
      await recordHistory(tx, site.id, revision, changes);
      return { result, revision, changed: true };
    });
  } catch (error) {
    if (!(error instanceof DryRunDone)) throw error;
    const { result, preview } = error as DryRunDone<T>;
    return { result, revision: preview.revision, changed: preview.changed, preview };
  }
}

/** Bumps a site's revision and queues the NOTIFY announcing it. */
export async function bumpRevision(tx: Tx, siteId: string): Promise<number> {
  const [row] = await tx
    .update(sites)
    .set({ revision: sql`${sites.revision} + 1` })
    .where(eq(sites.id, siteId))
    .returning({ revision: sites.revision });
  if (!row) throw new Error(`site ${siteId} vanished under its lock`);
  await publish(tx, { type: 'revision', siteId, revision: row.revision });
  return row.revision;
}

export async function recordAudit(
  tx: Tx,
  actor: string,
  siteId: string | null,
  revision: number | null,
  changes: Change[],
): Promise<void> {
  if (changes.length === 0) return;
  await tx.insert(auditEvents).values(
    changes.map((c) => ({
      actor,
      action: c.action,
      resourceType: c.resourceType,
      resource: c.resource,
      siteId,
      revision,
      before: c.before ?? null,
      after: c.after ?? null,
    })),
  );
}
