/**
 * @module Virtual servers (IPVS services) and their real servers (IPVS destinations), as the
 * API stores them and as a director's desired-state document carries them.
 */
import { z } from 'zod';
import { strictObject } from './unknown-fields.js';
import {
  AddressFamily,
  Description,
  IpAddress,
  Labels,
  Name,
  Port,
  ProgramPath,
  Text,
} from './common.js';
import { CheckTimingOverrides, HealthCheck } from './health-check.js';
import { ScriptRunAs } from './script-run-as.js';

/** The schedulers of the Linux kernel's IPVS (net/netfilter/ipvs/ip_vs_*.c). */
export const Scheduler = z.enum([
  'rr',
  'wrr',
  'lc',
  'wlc',
  'lblc',
  'lblcr',
  'dh',
  'sh',
  'sed',
  'nq',
  'fo',
  'ovf',
  'mh',
  'twos',
]);
export type Scheduler = z.output<typeof Scheduler>;

/** IPVS forwarding: masquerading (NAT), direct routing, IP-in-IP tunnelling. */
export const Forwarding = z.enum(['nat', 'dr', 'tun']);
export type Forwarding = z.output<typeof Forwarding>;

export const Protocol = z.enum(['tcp', 'udp', 'sctp']);
export type Protocol = z.output<typeof Protocol>;

/** Operator intent for a real server: draining = weight 0 keeping connections; disabled = removed. */
export const AdminState = z.enum(['enabled', 'draining', 'disabled']);
export type AdminState = z.output<typeof AdminState>;

export const Persistence = strictObject({
  // The kernel keeps timeout × HZ in 32 bits: 4,294,967 s (49.7 days) is safe at HZ = 1000.
  timeoutS: z.int().min(1).max(4_294_967),
  netmask: z
    .int()
    .min(0)
    .max(128)
    .optional()
    .meta({ description: 'Client prefix length grouped for persistence (32/128 = per address)' }),
}).meta({ id: 'Persistence' });

export const SorryServer = strictObject({
  address: IpAddress,
  port: Port,
  forwarding: Forwarding.optional(),
}).meta({ id: 'SorryServer', description: 'Installed while the virtual server is below quorum' });

const HookArgs = z.array(Text(4096)).max(64).optional();

/**
 * Scripts run when something goes up or down: a real server by its checks (keepalived
 * `notify_up`/`notify_down`), a virtual server's quorum (`quorum_up`/`quorum_down`). Each runs
 * with its own arguments only, as keepalived's notify_exec() runs them (check/ipwrapper.c
 * do_rs_notifies(), do_vs_notifies()), detached: a slow script never delays IPVS.
 */
export const UpDownHooks = strictObject({
  up: ProgramPath.optional(),
  down: ProgramPath.optional(),
  args: strictObject({ up: HookArgs, down: HookArgs })
    .optional()
    .meta({ description: "Each script's own arguments" }),
  runAs: strictObject({ up: ScriptRunAs.optional(), down: ScriptRunAs.optional() })
    .optional()
    .meta({ description: 'Who each script runs as (keepalived `notify_up "…" USER GROUP`)' }),
}).meta({ id: 'UpDownHooks' });
export type UpDownHooks = z.output<typeof UpDownHooks>;

/** A real server (IPVS destination) behind a virtual server. */
export const RealServerSpec = strictObject({
  name: Name,
  description: Description.optional(),
  labels: Labels.default({}),
  address: IpAddress,
  port: Port,
  weight: z.int().min(0).max(65535).default(1),
  adminState: AdminState.default('enabled'),
  forwarding: Forwarding.optional().meta({
    description: "Overrides the virtual server's forwarding",
  }),
  upperThreshold: z
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0)
    .meta({ description: '0 = no limit' }),
  lowerThreshold: z
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0),
  checks: z
    .array(HealthCheck)
    .max(8)
    .default([])
    .meta({ description: 'All must pass; none = always up' }),
  notify: UpDownHooks.optional().meta({
    description:
      'Scripts run when the checks take this real server up or down (keepalived notify_up/notify_down)',
  }),
}).meta({ id: 'RealServerSpec' });
export type RealServerSpec = z.output<typeof RealServerSpec>;
export type RealServerSpecInput = z.input<typeof RealServerSpec>;

const virtualServerFields = {
  name: Name,
  vrrpInstance: Name.optional().meta({
    description: 'The VRRP instance whose MASTER serves this; unset = every director of the site',
  }),
  address: IpAddress.optional(),
  port: Port.optional(),
  protocol: Protocol.optional(),
  fwmark: z
    .int()
    .min(1)
    .max(2 ** 32 - 1)
    .optional()
    .meta({ description: 'Firewall-mark service instead of address/port/protocol' }),
  family: AddressFamily.optional().meta({
    description: 'Required for fwmark services; derived from the address otherwise',
  }),
  scheduler: Scheduler.default('wlc'),
  schedulerFlags: z
    .array(z.enum(['sh-fallback', 'sh-port', 'mh-fallback', 'mh-port']))
    .max(4)
    .default([]),
  forwarding: Forwarding.default('nat'),
  persistence: Persistence.optional(),
  quorum: z
    .int()
    .min(0)
    .max(65535)
    .default(1)
    .meta({ description: 'Healthy real servers needed, else the sorry server' }),
  hysteresis: z.int().min(0).max(65535).default(0),
  sorryServer: SorryServer.optional(),
  inhibitOnFailure: z
    .boolean()
    .default(false)
    .meta({ description: 'A failed real server gets weight 0 instead of being removed' }),
  checkDefaults: CheckTimingOverrides.default({}),
  initialHealth: z.enum(['up', 'down']).default('up').meta({
    description:
      "A real server's health before its checks have run: up (keepalived's default: an agent restart keeps serving) or down (keepalived alpha: traffic only after a passing check)",
  }),
  quorumNotify: UpDownHooks.optional().meta({
    description: 'Scripts run when quorum is gained or lost (keepalived quorum_up/quorum_down)',
  }),
};

/** A virtual server as stored and served by the API (its real servers are a sub-collection). */
export const VirtualServerSpec = strictObject({
  ...virtualServerFields,
  description: Description.optional(),
  labels: Labels.default({}),
}).meta({ id: 'VirtualServerSpec' });
export type VirtualServerSpec = z.output<typeof VirtualServerSpec>;
export type VirtualServerSpecInput = z.input<typeof VirtualServerSpec>;

/** A virtual server in a director's document: checks resolved, real servers inline. */
export const DirectorVirtualServer = strictObject({
  ...virtualServerFields,
  family: AddressFamily,
  realServers: z.array(RealServerSpec).max(10_000),
}).meta({ id: 'DirectorVirtualServer' });
export type DirectorVirtualServer = z.output<typeof DirectorVirtualServer>;
