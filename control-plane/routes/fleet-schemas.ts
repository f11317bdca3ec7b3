/** @module Response schemas of the fleet views (VRRP ownership, directors, real servers). */
import { z } from '@hono/zod-openapi';
import {
  AgentStatus,
  Name,
  RealServerSpec,
  RealServerStatus,
  VrrpState,
} from '../../contract/index.js';

export const Freshness = {
  reportedAt: z.iso
    .datetime()
    .nullable()
    .meta({ description: 'When the director last reported (null: never)' }),
  stale: z
    .boolean()
    .meta({ description: 'No report, or the last one is older than the stale threshold' }),
};
export const ViewHeader = { site: Name, revision: z.int(), staleAfterS: z.int() };

export const VrrpMemberStatus = z.object({
  director: Name,
  configuredPriority: z.int(),
  state: z
    .union([VrrpState, z.literal('unknown')])
    .meta({ description: 'unknown: no report, or the report does not mention the instance' }),
  priority: z.int().nullable(),
  since: z.iso.datetime().nullable(),
  vipsOwned: z.array(z.string()),
  ...Freshness,
});
export const VrrpInstanceStatus = z
  .object({
    name: Name,
    vrid: z.int(),
    members: z.array(VrrpMemberStatus),
    masters: z.array(Name).meta({ description: 'Non-stale members reporting MASTER' }),
    splitBrain: z.boolean(),
    noMaster: z.boolean(),
  })
  .meta({ id: 'VrrpInstanceStatus' });

export const VrrpTransitionRecord = z
  .object({
    id: z.int(),
    director: Name,
    instance: Name,
    from: VrrpState,
    to: VrrpState,
    reason: z.string(),
    at: z.iso.datetime(),
  })
  .meta({ id: 'VrrpTransitionRecord' });

export const DirectorStatus = z
  .object({
    name: Name,
    address: z.string(),
    ...Freshness,
    appliedRevision: z.int().nullable(),
    revision: z.int().meta({ description: "The site's current revision" }),
    behind: z.boolean().meta({ description: 'Has not applied the current revision' }),
    rejected: AgentStatus.shape.rejected.unwrap().nullable(),
    agent: AgentStatus.shape.agent.nullable(),
    errors: AgentStatus.shape.errors.unwrap(),
  })
  .meta({ id: 'DirectorStatus' });

export const RealServerDirectorView = z.object({
  director: Name,
  ...Freshness,
  health: RealServerStatus.shape.health,
  weight: z.int().nullable().meta({ description: 'Weight in force in the kernel' }),
  activeConnections: z.int().nullable(),
  inactiveConnections: z.int().nullable(),
});
export const Connections = { activeConnections: z.int(), inactiveConnections: z.int() };
export const RealServerView = RealServerSpec.pick({
  name: true,
  address: true,
  port: true,
  weight: true,
  adminState: true,
  labels: true,
})
  .extend({
    virtualServer: Name,
    directors: z
      .array(RealServerDirectorView)
      .meta({ description: 'The directors carrying its virtual server' }),
    ...Connections,
  })
  .meta({ id: 'RealServerView' });
