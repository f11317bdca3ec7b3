/**
 * @module The audit log's wire shape (`GET /v1/audit`): who changed what, when, and the object
 * before → after (secrets already redacted), newest first, paged by `nextBefore`.
 */
import { z } from 'zod';

/** The kinds of resource the audit log records. */
export const AUDIT_RESOURCE_TYPES = [
  'site',
  'director',
  'director-maintenance',
  'vrrp-instance',
  'virtual-server',
  'real-server',
  'token',
] as const;

export const AuditEvent = z
  .object({
    id: z.int(),
    at: z.iso.datetime(),
    actor: z.string(),
    action: z.string().meta({ example: 'update' }),
    resourceType: z.string().meta({ description: `One of ${AUDIT_RESOURCE_TYPES.join(', ')}` }),
    resource: z.string().meta({
      description: "The resource's path, e.g. `ams1/web-https/web1`",
    }),
    revision: z.int().nullable().meta({ description: 'The site revision the change made' }),
    before: z.unknown().meta({ description: 'The object before (absent on create)' }),
    after: z.unknown().meta({ description: 'The object after (absent on delete)' }),
  })
  .meta({ id: 'AuditEvent' });
export type AuditEvent = z.output<typeof AuditEvent>;

export const AuditPage = z
  .object({
    items: z.array(AuditEvent),
    nextBefore: z.int().nullable().meta({
      description: 'Pass as `before` for the next page (null: no older event)',
    }),
  })
  .meta({ id: 'AuditPage' });
export type AuditPage = z.output<typeof AuditPage>;
