/**
 * @module The wire shapes of a site's history: its revisions (who, when, what changed), the whole
 * site as it was at one of them, a diff between two, and a rollback (a new revision equal to an
 * older one). Used by the server, its OpenAPI document and the CLI.
 */
import { z } from 'zod';
import { Name } from './common.js';
import { DirectorEffect, ObjectChange } from './preview.js';
import { DirectorSpec, SiteSpec } from './site.js';
import { RealServerSpec, VirtualServerSpec } from './virtual-server.js';
import { VrrpInstanceSpec } from './vrrp-instance.js';
import { ApplyReelection } from './apply.js';

export const RevisionSummary = z
  .object({
    revision: z.int(),
    at: z.iso.datetime(),
    actor: z.string(),
    restorable: z.boolean().meta({
      description:
        'Whether the whole site at this revision is kept (history began at historyStart)',
    }),
    changes: z.array(ObjectChange.pick({ action: true, resourceType: true, resource: true })),
  })
  .meta({ id: 'RevisionSummary' });
export type RevisionSummary = z.output<typeof RevisionSummary>;

export const RevisionList = z
  .object({
    site: Name,
    revision: z.int().meta({ description: "The site's current revision" }),
    historyStart: z.int().nullable().meta({
      description: 'The oldest revision whose whole site is kept (null: none yet)',
    }),
    items: z.array(RevisionSummary).meta({ description: 'Newest first' }),
    nextBefore: z.int().nullable().meta({ description: 'Pass as `before` for the next page' }),
  })
  .meta({ id: 'RevisionList' });
export type RevisionList = z.output<typeof RevisionList>;

export const SiteContents = z
  .object({
    spec: SiteSpec,
    directors: z.array(DirectorSpec),
    vrrpInstances: z.array(VrrpInstanceSpec),
    virtualServers: z.array(VirtualServerSpec.extend({ realServers: z.array(RealServerSpec) })),
  })
  .meta({ id: 'SiteContents' });
export type SiteContents = z.output<typeof SiteContents>;

export const SiteRevision = z
  .object({ site: Name, revision: z.int(), contents: SiteContents })
  .meta({ id: 'SiteRevision', description: 'The whole site as it was at one revision' });
export type SiteRevision = z.output<typeof SiteRevision>;

/** One object that differs between two versions of a site. */
export const ObjectDiff = z
  .object({
    resourceType: z.enum(['site', 'director', 'vrrp-instance', 'virtual-server', 'real-server']),
    resource: z.string(),
    change: z.enum(['created', 'updated', 'deleted']),
    fields: z
      .array(z.string())
      .meta({ description: 'The top-level fields that differ (updated objects only)' }),
    before: z.record(z.string(), z.unknown()).optional(),
    after: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'ObjectDiff' });
export type ObjectDiff = z.output<typeof ObjectDiff>;

export const RevisionDiff = z
  .object({ site: Name, from: z.int(), to: z.int(), objects: z.array(ObjectDiff) })
  .meta({ id: 'RevisionDiff', description: 'What changes from revision `from` to revision `to`' });
export type RevisionDiff = z.output<typeof RevisionDiff>;

export const RollbackRequest = z
  .object({
    toRevision: z.int().min(1),
    restoreOperationalFields: z.boolean().default(false).meta({
      description:
        "Also restore real servers' weight and adminState where the deploy verbs (drain, restore, weight) set them last; by default those keep their current values",
    }),
  })
  .strict()
  .meta({ id: 'RollbackRequest' });
export type RollbackRequest = z.output<typeof RollbackRequest>;

export const RollbackResult = z
  .object({
    site: Name,
    dryRun: z.boolean(),
    changed: z.boolean(),
    toRevision: z.int(),
    revision: z.int().meta({
      description:
        'The new revision (dry run: the one it would make); the current one when nothing changes',
    }),
    objects: z.array(ObjectDiff),
    kept: z
      .array(z.object({ resource: z.string(), fields: z.array(z.string()) }))
      .meta({ description: 'Operational fields left as they are (owned by the deploy verbs)' }),
    directors: z.array(DirectorEffect),
    reelections: z.array(ApplyReelection),
  })
  .meta({ id: 'RollbackResult' });
export type RollbackResult = z.output<typeof RollbackResult>;
