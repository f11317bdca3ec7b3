/**
 * @module The one way fleet objects change: a transaction that locks the site row (so writes to
 * one site serialise and validation sees a stable site), lets the caller change and validate,
 * then bumps the site's revision, writes one audit event per change and queues the NOTIFY that
 * wakes every replica's long-polls, all atomically.
 */
import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/database.js';
import { auditEvents, sites } from '../db/schema.js';
import { publish, type EventBus } from '../events/bus.js';
import { notFound } from '../http/problem.js';

import type { SiteRow } from './sites.js';

export interface Change {
  action: string;
  resourceType: string;
  resource: string;
  before: unknown;
  after: unknown;
}

export interface SiteWrite {
  tx: Tx;
  site: SiteRow;
  record(change: Change): void;
}

/**
 * Runs `fn` in a transaction holding the site's row lock. If it recorded changes, the site's
 * revision is bumped once for all of them. Returns fn's result and the revision in force.
 */
export async function writeSite<T>(
  deps: { bus: EventBus },
  siteName: string,
  actor: string,
  fn: (write: SiteWrite) => Promise<T>,
): Promise<{ result: T; revision: number; changed: boolean }> {
  return deps.bus.transaction(async (tx) => {
    const [site] = await tx.select().from(sites).where(eq(sites.name, siteName)).for('update');
    if (!site) throw notFound(`site ${siteName}`);
    const changes: Change[] = [];
    const result = await fn({ tx, site, record: (c) => changes.push(c) });
    if (changes.length === 0) return { result, revision: site.revision, changed: false };
    const revision = await bumpRevision(tx, site.id);
    await recordAudit(tx, actor, site.id, revision, changes);
    return { result, revision, changed: true };
  });
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
