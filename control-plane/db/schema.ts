/**
 * @module The drizzle schema. Fleet objects are stored as a validated `spec` (jsonb, the
 * contract's shape) under a key (site, parent, name) with an optimistic-concurrency `version`;
 * every site carries the monotonically increasing `revision` its directors' documents share.
 * Migrations are generated from this file by drizzle-kit into ../../migrations.
 */
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';

const timestamps = () => ({
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const sites = pgTable('sites', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  spec: jsonb('spec').notNull(),
  version: integer('version').notNull().default(1),
  revision: bigint('revision', { mode: 'number' }).notNull().default(1),
  ...timestamps(),
});

/**
 * The columns every fleet object shares. `parentId` is the virtual server of a real server and
 * null for site-level objects; (site, parent, name) is unique with NULLs not distinct.
 */
function specTable(tableName: string, parent?: () => AnyPgColumn) {
  return pgTable(
    tableName,
    {
      id: uuid('id').primaryKey().defaultRandom(),
      siteId: uuid('site_id')
        .notNull()
        .references(() => sites.id, { onDelete: 'cascade' }),
      parentId: parent
        ? uuid('parent_id').references(parent, { onDelete: 'cascade' })
        : uuid('parent_id'),
      name: text('name').notNull(),
      spec: jsonb('spec').notNull(),
      version: integer('version').notNull().default(1),
      ...timestamps(),
    },
    (t) => [unique().on(t.siteId, t.parentId, t.name).nullsNotDistinct(), index().on(t.parentId)],
  );
}

export const directors = specTable('directors');
export const vrrpInstances = specTable('vrrp_instances');
export const virtualServers = specTable('virtual_servers');
export const realServers = specTable('real_servers', () => virtualServers.id);

/** Every table with the fleet-object shape; they share one TypeScript type. */
export type SpecTable = typeof directors;

export const role = pgEnum('role', ['admin', 'operator', 'viewer', 'agent']);

export const apiTokens = pgTable('api_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  role: role('role').notNull(),
  /** The director an agent token speaks for (deleting the director deletes its tokens). */
  directorId: uuid('director_id').references(() => directors.id, { onDelete: 'cascade' }),
  /** SHA-256 of the token: the token itself is shown once and never stored. */
  tokenHash: text('token_hash').notNull().unique(),
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    /** The resource's path, e.g. `ams1/web-https/web1`. */
    resource: text('resource').notNull(),
    siteId: uuid('site_id'),
    revision: bigint('revision', { mode: 'number' }),
    before: jsonb('before'),
    after: jsonb('after'),
  },
  (t) => [index().on(t.siteId, t.id), index().on(t.resourceType, t.id)],
);

/**
 * Every state each object of a site has had, keyed by the revision that wrote it (`spec` null:
 * deleted at that revision), so the whole site at any revision since its history began is the
 * newest row per object at or below it. `resourceType` is `site` for the site's own spec or an
 * object kind; `parent` is a real server's virtual server ('' otherwise). Specs are stored whole
 * (secrets included, like the object tables); readers redact them.
 */
export const objectHistory = pgTable(
  'object_history',
  {
    siteId: uuid('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    revision: bigint('revision', { mode: 'number' }).notNull(),
    resourceType: text('resource_type').notNull(),
    parent: text('parent').notNull().default(''),
    name: text('name').notNull(),
    spec: jsonb('spec'),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.resourceType, t.parent, t.name, t.revision] }),
    index().on(t.siteId, t.revision),
  ],
);

export const agentStatus = pgTable('agent_status', {
  directorId: uuid('director_id')
    .primaryKey()
    .references(() => directors.id, { onDelete: 'cascade' }),
  siteId: uuid('site_id').notNull(),
  reportedAt: timestamp('reported_at', { withTimezone: true }).notNull(),
  appliedRevision: bigint('applied_revision', { mode: 'number' }),
  report: jsonb('report').notNull(),
});

export const vrrpTransitions = pgTable(
  'vrrp_transitions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    directorId: uuid('director_id')
      .notNull()
      .references(() => directors.id, { onDelete: 'cascade' }),
    siteId: uuid('site_id').notNull(),
    instance: text('instance').notNull(),
    fromState: text('from_state').notNull(),
    toState: text('to_state').notNull(),
    reason: text('reason').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index().on(t.siteId, t.id), index().on(t.directorId, t.id)],
);

/**
 * Directors in maintenance: a sub-resource of the director, not a field of its spec, so that
 * applying a manifest (which replaces specs) never takes a director out of maintenance. Its
 * presence is the state; it reaches the agent in its document (`director.maintenance`).
 */
export const directorMaintenance = pgTable('director_maintenance', {
  directorId: uuid('director_id')
    .primaryKey()
    .references(() => directors.id, { onDelete: 'cascade' }),
  siteId: uuid('site_id').notNull(),
  since: timestamp('since', { withTimezone: true }).notNull().defaultNow(),
  actor: text('actor').notNull(),
  reason: text('reason'),
});
