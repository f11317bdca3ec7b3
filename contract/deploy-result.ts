/**
 * @module The deploy verbs' wire shapes: `drain`, `restore` and `weight` on one real server or on
 * every real server of a site matching a selector (`POST …/real-servers/{drain,restore,weight}`),
 * each change in one revision. A drain answers with what is still holding it up, per director.
 * Served by control-plane/routes/deploy.ts, read by `fleetlb drain`, `undrain` and `weight`.
 */
import { z } from 'zod';
import { Name } from './common.js';
import { strictObject } from './unknown-fields.js';
import { AdminState } from './virtual-server.js';

/** The body of `POST /v1/sites/{site}/real-servers/weight`. */
export const WeightChange = strictObject({ weight: z.int().min(0).max(65535) }).meta({
  id: 'WeightChange',
});
export type WeightChange = z.output<typeof WeightChange>;

export const AffectedRealServer = z
  .object({
    virtualServer: Name,
    name: Name,
    adminState: AdminState,
    weight: z.int(),
    changed: z.boolean().meta({ description: 'False when it already was as asked' }),
  })
  .meta({ id: 'AffectedRealServer' });
export type AffectedRealServer = z.output<typeof AffectedRealServer>;

export const DrainReason = z.enum(['no-report', 'not-applied', 'not-reported', 'connections']);
export type DrainReason = z.output<typeof DrainReason>;

/** A director that has not finished draining a real server, and why. */
export const DrainStraggler = z
  .object({
    director: Name,
    virtualServer: Name,
    realServer: Name,
    reason: DrainReason.meta({
      description:
        'no-report: the director never reported; not-applied: it has not applied the revision yet; not-reported: its report does not list the real server; connections: active connections remain',
    }),
    appliedRevision: z.int().nullable(),
    activeConnections: z.int().nullable(),
  })
  .meta({ id: 'DrainStraggler' });
export type DrainStraggler = z.output<typeof DrainStraggler>;

/** What `restore` and `weight` answer (and a drain, with what it waits for). */
export const RealServerChangeResult = z
  .object({
    revision: z.int().meta({
      description: 'The revision carrying the change (the current one when nothing changed)',
    }),
    changed: z.boolean(),
    realServers: z.array(AffectedRealServer),
  })
  .meta({ id: 'RealServerChangeResult' });
export type RealServerChangeResult = z.output<typeof RealServerChangeResult>;

export const DrainResult = RealServerChangeResult.extend({
  drained: z.boolean(),
  remaining: z
    .array(DrainStraggler)
    .meta({ description: 'Directors still holding up the drain (empty when drained)' }),
}).meta({ id: 'DrainResult' });
export type DrainResult = z.output<typeof DrainResult>;
