/**
 * @module The fleet views (`GET /v1/sites/{site}/vrrp-status`, `directors-status`,
 * `real-server-status`, `vrrp-transitions`): a site's configuration joined with what its
 * directors last reported, each claim with its age. Served by control-plane/routes/fleet.ts,
 * read by `fleetlb status` and `apply --wait`.
 */
import { z } from 'zod';
import { AgentStatus, RealServerStatus, VrrpState } from './agent-status.js';
import { Name } from './common.js';
import { DirectorMaintenance } from './maintenance.js';
import { RealServerSpec } from './virtual-server.js';

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
export const ViewHeader = {
  site: Name,
  revision: z.int().meta({ description: "The site's current revision" }),
};

export const VrrpMemberStatus = z.object({
  director: Name,
  configuredPriority: z.int(),
  maintenance: z.boolean().meta({
    description:
      'The director is in maintenance (desired state): priority 1, never preempting; its report says whether its agent runs it so (`agent.maintenance` in directors-status)',
  }),
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
  handingOver: z.boolean().optional().meta({
    description:
      'A master in maintenance handing over: it owns the VIPs until the new master has advertised twice, then goes backup. It is left out of `masters` while another master does not hand over. Absent: not handing over',
  }),
  ...Freshness,
});
export const VrrpInstanceStatus = z
  .object({
    name: Name,
    vrid: z.int(),
    members: z.array(VrrpMemberStatus),
    masters: z.array(Name).meta({
      description:
        'Members whose mastership counts: fresh, running, not superseded, and not handing over for maintenance while another master is not',
    }),
    splitBrain: z.boolean().meta({ description: 'More than one master' }),
    noMaster: z.boolean().meta({ description: 'No master' }),
  })
  .meta({ id: 'VrrpInstanceStatus' });
export type VrrpInstanceStatus = z.output<typeof VrrpInstanceStatus>;
export type VrrpMemberStatus = z.output<typeof VrrpMemberStatus>;

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
export type VrrpTransitionRecord = z.output<typeof VrrpTransitionRecord>;

export const DirectorStatus = z
  .object({
    name: Name,
    address: z.string(),
    maintenance: DirectorMaintenance.nullable().meta({
      description:
        'In maintenance since when, by whom and why (desired state; null: in service). The agent says it applied it in `agent.maintenance`',
    }),
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
export type DirectorStatus = z.output<typeof DirectorStatus>;

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
export type RealServerView = z.output<typeof RealServerView>;

/** `GET /v1/sites/{site}/vrrp-status`. */
export const VrrpStatusView = z
  .object({ ...ViewHeader, instances: z.array(VrrpInstanceStatus) })
  .meta({ id: 'VrrpStatusView' });
export type VrrpStatusView = z.output<typeof VrrpStatusView>;

/** `GET /v1/sites/{site}/vrrp-transitions`. */
export const VrrpTransitionList = z
  .object({ items: z.array(VrrpTransitionRecord) })
  .meta({ id: 'VrrpTransitionList' });
export type VrrpTransitionList = z.output<typeof VrrpTransitionList>;

/** `GET /v1/sites/{site}/directors-status`. */
export const DirectorsStatusView = z
  .object({ ...ViewHeader, directors: z.array(DirectorStatus) })
  .meta({ id: 'DirectorsStatusView' });
export type DirectorsStatusView = z.output<typeof DirectorsStatusView>;

/** `GET /v1/sites/{site}/real-server-status`. */
export const RealServerStatusView = z
  .object({
    ...ViewHeader,
    realServers: z.array(RealServerView),
    totals: z.object(Connections).meta({
      description:
        'Connections counted over the directors whose reports are fresh (neither stale nor stopped)',
    }),
  })
  .meta({ id: 'RealServerStatusView' });
export type RealServerStatusView = z.output<typeof RealServerStatusView>;
