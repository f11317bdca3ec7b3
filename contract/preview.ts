/**
 * @module The wire shapes of a write's preview (`?dryRun=true` on any write, the bulk apply and a
 * rollback): the changes it would make, the revision it would make, and its effect per director:
 * whose compiled document changes and how (VRRP instances started, stopped, re-created, changed
 * in place; virtual servers added, removed, changed). A re-created instance re-elects
 * (contract/vrrp-identity.ts). Used by the server, its OpenAPI document and the CLI.
 */
import { z } from 'zod';
import { Name } from './common.js';
import { VRRP_IDENTITY_FIELDS } from './vrrp-identity.js';

/** One object's change as the audit log records it (secrets redacted). */
export const ObjectChange = z
  .object({
    action: z.string().meta({ description: 'create, update, delete, drain, restore, weight…' }),
    resourceType: z.string(),
    resource: z.string().meta({ description: 'e.g. ams1/virtual-servers/web/real-servers/web1' }),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  })
  .meta({ id: 'ObjectChange' });
export type ObjectChange = z.output<typeof ObjectChange>;

export const ReelectingInstance = z
  .object({ name: Name, fields: z.array(z.enum(VRRP_IDENTITY_FIELDS)) })
  .meta({ id: 'ReelectingInstance' });

export const ChangedInstance = z
  .object({ name: Name, fields: z.array(z.string()) })
  .meta({ id: 'ChangedInstance' });

export const DirectorEffect = z
  .object({
    director: Name,
    document: z.enum(['added', 'removed', 'changed']).meta({
      description: 'added: the director is new; removed: it is gone; changed: its document differs',
    }),
    vrrpInstances: z.object({
      start: z.array(Name),
      stop: z.array(Name),
      recreate: z.array(ReelectingInstance).meta({
        description: 'Identity changed (interface, VRID, family, version): re-created, re-elects',
      }),
      inPlace: z.array(ChangedInstance),
    }),
    virtualServers: z.object({
      added: z.array(Name),
      removed: z.array(Name),
      changed: z.array(Name),
    }),
  })
  .meta({
    id: 'DirectorEffect',
    description:
      "How one director's compiled document changes (directors it does not change are not listed)",
  });
export type DirectorEffect = z.output<typeof DirectorEffect>;

export const WritePreview = z
  .object({
    site: Name,
    dryRun: z.literal(true),
    changed: z.boolean(),
    revision: z.int().meta({
      description: 'The revision the write would make (the current one when nothing changes)',
    }),
    changes: z.array(ObjectChange),
    directors: z.array(DirectorEffect),
  })
  .meta({
    id: 'WritePreview',
    description: 'What a write would do (dryRun=true): checked like the write, then rolled back',
  });
export type WritePreview = z.output<typeof WritePreview>;
