/**
 * @module The wire shapes of a site's bulk apply (`POST /v1/sites/{site}/apply`): a manifest's
 * objects applied in one transaction, one revision and one audit group, all or none, or the same
 * checked and rolled back (`dryRun`). Used by the server, its OpenAPI document and the CLI.
 */
import { z } from 'zod';
import { Name } from './common.js';
import { DirectorEffect } from './preview.js';
import { VRRP_IDENTITY_FIELDS } from './vrrp-identity.js';

export const APPLY_KINDS = ['Director', 'VrrpInstance', 'VirtualServer', 'RealServer'] as const;
export type ApplyKind = (typeof APPLY_KINDS)[number];

/** Fields of a real server that the deploy verbs (drain, restore, weight) own once they set them. */
export const OPERATIONAL_FIELDS = ['weight', 'adminState'] as const;

export const ApplyObject = z
  .object({
    kind: z.enum(APPLY_KINDS),
    /** The parent virtual server of a RealServer. */
    virtualServer: Name.optional(),
    spec: z.record(z.string(), z.unknown()).meta({
      description:
        "The object's fields, as for PUT (name included). A RealServer's weight and adminState, when absent, keep their current values",
    }),
  })
  .strict()
  .meta({ id: 'ApplyObject' });
export type ApplyObject = z.output<typeof ApplyObject>;

export const ApplyRequest = z
  .object({ objects: z.array(ApplyObject).min(1).max(10_000) })
  .strict()
  .meta({ id: 'ApplyRequest' });
export type ApplyRequest = z.output<typeof ApplyRequest>;

export const AppliedObject = z
  .object({
    kind: z.enum(APPLY_KINDS),
    name: Name,
    virtualServer: Name.optional(),
    action: z.enum(['created', 'updated', 'unchanged']),
    before: z.record(z.string(), z.unknown()).optional(),
    after: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AppliedObject' });
export type AppliedObject = z.output<typeof AppliedObject>;

export const ApplyReelection = z
  .object({
    instance: Name,
    director: Name,
    fields: z.array(z.enum(VRRP_IDENTITY_FIELDS)),
  })
  .meta({
    id: 'ApplyReelection',
    description: 'A VRRP instance whose identity changes on a director: it re-elects there',
  });

export const ApplyResult = z
  .object({
    site: Name,
    dryRun: z.boolean(),
    changed: z.boolean(),
    revision: z.int().meta({
      description:
        'The revision carrying the change (dry run: the one it would make); the current one when nothing changes',
    }),
    objects: z.array(AppliedObject),
    reelections: z.array(ApplyReelection),
    directors: z.array(DirectorEffect).optional().meta({
      description:
        "Dry run: how each director's document would change (directors it leaves alone are not listed)",
    }),
  })
  .meta({ id: 'ApplyResult' });
export type ApplyResult = z.output<typeof ApplyResult>;
