/**
 * @module Who owns a real server's operational fields (weight, adminState): the deploy verbs
 * (drain, restore, weight; their API calls and CLI commands) own a field once they were the last
 * to change it, as Kubernetes' server-side apply gives a field to its last manager. Read from
 * the audit log, which records every change with its action, actor and time: the newest event of
 * the resource that changed the field decides.
 */
import { and, desc, eq } from 'drizzle-orm';
import { OPERATIONAL_FIELDS } from '../../contract/index.js';
import type { Tx } from '../db/database.js';
import { auditEvents } from '../db/schema.js';

export type OperationalField = (typeof OPERATIONAL_FIELDS)[number];

const DEPLOY_ACTIONS = new Set(['drain', 'restore', 'weight']);
/** How far back the log is read for one resource. */
const HISTORY_LIMIT = 200;

export interface FieldOwner {
  action: string;
  actor: string;
  at: Date;
}

const valueOf = (image: unknown, field: string): unknown =>
  image !== null && typeof image === 'object'
    ? (image as Record<string, unknown>)[field]
    : undefined;

/** The operational fields of `resource` that a deploy verb set last, with who and when. */
export async function deployOwnedFields(
  tx: Tx,
  siteId: string,
  resource: string,
): Promise<Map<OperationalField, FieldOwner>> {
  const events = await tx
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.siteId, siteId), eq(auditEvents.resource, resource)))
    .orderBy(desc(auditEvents.id))
    .limit(HISTORY_LIMIT);
  const owned = new Map<OperationalField, FieldOwner>();
  for (const field of OPERATIONAL_FIELDS) {
    const last = events.find(
      (e) => JSON.stringify(valueOf(e.before, field)) !== JSON.stringify(valueOf(e.after, field)),
    );
    if (last && DEPLOY_ACTIONS.has(last.action))
      owned.set(field, { action: last.action, actor: last.actor, at: last.at });
  }
  return owned;
}
