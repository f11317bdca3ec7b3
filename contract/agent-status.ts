/**
 * @module The status report an agent pushes (`POST /v1/agent/status`): what it applied, what it
 * refused (like an xDS NACK), VRRP state and transitions, and per-real-server health and counters.
 * A report is evidence with an age: it says when it was sent and how often its agent reports, so
 * the control plane can tell how long its claims (a mastership, a VIP owned) may still be true;
 * an agent that stops cleanly sends a last one with `agent.state: stopped`.
 */
import { z } from 'zod';
import { IpAddress, Name, Text } from './common.js';

export const VrrpState = z.enum(['init', 'backup', 'master', 'fault']);
export type VrrpState = z.output<typeof VrrpState>;

export const VrrpTransition = z.object({
  instance: Name,
  from: VrrpState,
  to: VrrpState,
  at: z.iso.datetime(),
  reason: Text(64).meta({ example: 'master-down-timer' }),
});
export type VrrpTransition = z.output<typeof VrrpTransition>;

export const RealServerStatus = z.object({
  virtualServer: Name,
  realServer: Name,
  health: z.enum(['up', 'down', 'unknown']),
  weight: z.int().min(0).max(65535).meta({ description: 'Weight in force in the kernel' }),
  activeConnections: z.int().min(0),
  inactiveConnections: z.int().min(0),
  connectionsTotal: z.int().min(0).default(0),
});
export type RealServerStatus = z.output<typeof RealServerStatus>;

/**
 * What a director cannot do of what its document asks, per object: a closed set, so that
 * dashboards, alerts and scripts can rely on it.
 * - `ipvs-unavailable`: the kernel has no IPVS (ip_vs not loaded), so the virtual server is not
 *   programmed; VRRP and its health checks run.
 * - `ipvs-sync-failed`: the IPVS connection sync daemon a VRRP instance asks for does not run
 *   as wanted (no IPVS, no such interface …); VRRP and IPVS run, connections are not synced.
 */
export const ConditionType = z.enum(['ipvs-unavailable', 'ipvs-sync-failed']);
export type ConditionType = z.output<typeof ConditionType>;

export const Condition = z
  .object({
    type: ConditionType,
    object: z.object({ kind: z.enum(['VirtualServer', 'VrrpInstance']), name: Name }),
    message: Text(1024),
    since: z.iso.datetime().meta({ description: 'Since when it holds, by the agent’s clock' }),
  })
  .meta({ id: 'AgentCondition' });
export type Condition = z.output<typeof Condition>;

/** The IPVS connection sync daemons of a director, and the instance they follow. */
export const IpvsSyncStatus = z
  .object({
    instance: Name.meta({ description: 'The VRRP instance the sync daemons follow' }),
    wanted: z.enum(['master', 'backup']).meta({
      description: 'The daemon its VRRP state asks for: master on MASTER, backup otherwise',
    }),
    running: z
      .array(
        z.object({
          role: z.enum(['master', 'backup']),
          interface: Text(15),
          syncId: z.int().min(0).max(255),
        }),
      )
      .max(2)
      .meta({ description: 'The daemons the kernel runs (GET_DAEMON), at the last change' }),
    error: Text(1024).optional().meta({ description: 'Why the wanted daemon does not run' }),
    since: z.iso.datetime().meta({ description: 'When the daemons were last checked' }),
  })
  .meta({ id: 'IpvsSyncStatus' });
export type IpvsSyncStatus = z.output<typeof IpvsSyncStatus>;

/** The bounds of a status report's `errors`: how many, and each message's length. */
export const STATUS_ERRORS_MAX = 100;
export const STATUS_ERROR_MESSAGE_MAX = 1024;

export const AgentStatus = z
  .object({
    appliedRevision: z
      .int()
      .min(0)
      .nullable()
      .meta({ description: 'null until a document was applied' }),
    rejected: z
      .object({
        revision: z.int().min(0),
        reasons: z.array(z.object({ path: Text(512), message: Text(1024) })).max(100),
      })
      .optional()
      .meta({ description: 'The last document the agent refused, with why' }),
    sentAt: z.iso.datetime().optional().meta({
      description:
        "When the agent sent the report, by its clock: places the report's `since` times on the control plane's clock",
    }),
    agent: z.object({
      version: Text(64),
      startedAt: z.iso.datetime(),
      ipvsAvailable: z.boolean(),
      state: z.enum(['running', 'stopped']).default('running').meta({
        description:
          'stopped: the last report of an agent that stopped cleanly (masterships resigned, VIPs released)',
      }),
      maintenance: z.boolean().optional().meta({
        description:
          'The agent runs its director in maintenance (its document says so): every instance at priority 1, none preempting',
      }),
      reportIntervalMs: z.int().min(100).max(3_600_000).optional().meta({
        description:
          'How often the agent reports when nothing changes; a report older than twice this plus a margin is stale',
      }),
    }),
    vrrp: z
      .array(
        z.object({
          instance: Name,
          vrid: z.int().min(1).max(255),
          state: VrrpState,
          priority: z.int().min(0).max(255),
          since: z.iso.datetime(),
          vipsOwned: z.array(IpAddress).max(256).default([]),
          handingOver: z.boolean().optional().meta({
            description:
              'A master in maintenance handing over: it still owns the VIPs and sends priority-0 adverts until the new master advertises. Absent: not handing over',
          }),
        }),
      )
      .max(1024)
      .default([]),
    transitions: z
      .array(VrrpTransition)
      .max(1000)
      .default([])
      .meta({ description: 'Transitions since the last report' }),
    realServers: z.array(RealServerStatus).max(100_000).default([]),
    errors: z
      .array(z.object({ stage: Text(32), message: Text(STATUS_ERROR_MESSAGE_MAX) }))
      .max(STATUS_ERRORS_MAX)
      .default([]),
    ipvsSync: IpvsSyncStatus.optional().meta({
      description: 'IPVS connection sync, when an instance of this director enables it',
    }),
    conditions: z.array(Condition).max(100_000).default([]).meta({
      description:
        'What the director cannot do of what its document asks, per object; the rest of the document is in force',
    }),
  })
  .meta({ id: 'AgentStatus' });
export type AgentStatus = z.output<typeof AgentStatus>;
export type AgentStatusInput = z.input<typeof AgentStatus>;
