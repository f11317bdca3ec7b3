/** @module Response schemas of the fleet views (VRRP ownership, directors, real servers). */
import { z } from '@hono/zod-openapi';
import {
  AgentStatus,
  Name,
  RealServerSpec,
  RealServerStatus,
  VrrpState,
} from '../../contract/index.js';

const FRESHNESS_RULE =
  "A report is fresh for twice its agent's report interval (`agent.reportIntervalMs`, 5 s by default; 15 s when the report does not say) plus 2 s";

export const Freshness = {
  reportedAt: z.iso
    .datetime()
    .nullable()
    .meta({ description: 'When the director last reported (null: never)' }),
  staleAt: z.iso
    .datetime()
    .nullable()
    .meta({
      description: `When the last report stops counting (null: never reported, or stopped). ${FRESHNESS_RULE}`,
    }),
  stale: z.boolean().meta({
    description: `No report, or the last one is no longer fresh: its claims are unknown, never a master. ${FRESHNESS_RULE}`,
  }),
  stopped: z.boolean().meta({
    description:
      'The last report is the final one of an agent that stopped cleanly (masterships resigned, VIPs released); it does not go stale',
  }),
};
export const ViewHeader = { site: Name, revision: z.int() };

export const VrrpMemberStatus = z.object({
  director: Name,
  configuredPriority: z.int(),
  state: z.union([VrrpState, z.enum(['unknown', 'stopped'])]).meta({
    description:
      'What the evidence supports now. unknown: no report, a stale one, one that does not mention the instance, or a mastership claim superseded by another member that became master after it (its next report tells); stopped: the agent stopped cleanly',
  }),
  reportedState: VrrpState.nullable().meta({
    description: 'What the last report said, however old (null: no report, or no mention)',
  }),
  superseded: z.boolean().meta({
    description:
      'The mastership claim was made before another member reported becoming master (RFC 9568 §6.4.2: a backup takes over only when it no longer hears the master, or hears it resign)',
  }),
  priority: z.int().nullable(),
  since: z.iso.datetime().nullable(),
  vipsOwned: z
    .array(z.string())
    .meta({ description: 'The VIPs of a member whose mastership counts (state master)' }),
  ...Freshness,
});
export const VrrpInstanceStatus = z
  .object({
    name: Name,
    vrid: z.int(),
    members: z.array(VrrpMemberStatus),
    masters: z.array(Name).meta({
      description: 'Members whose mastership counts: fresh, running, not superseded',
    }),
    splitBrain: z.boolean().meta({ description: 'More than one master' }),
    noMaster: z.boolean().meta({ description: 'No master' }),
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
    conditions: AgentStatus.shape.conditions.unwrap().meta({
      description:
        'What the director cannot do of what its document asks, per object (e.g. ipvs-unavailable: a virtual server not programmed on a kernel without IPVS), from its last report',
    }),
    ipvsSync: AgentStatus.shape.ipvsSync.unwrap().nullable().meta({
      description:
        'IPVS connection sync from its last report: the daemon its VRRP state asks for and the daemons the kernel runs; null when no instance of it enables sync',
    }),
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
