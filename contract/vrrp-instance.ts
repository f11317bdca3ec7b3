/**
 * @module VRRP instances: one election (VRID on an interface) among a site's directors for a set
 * of virtual IPs. RFC 9568 (VRRPv3) and RFC 3768 (VRRPv2); keepalived's tracking semantics.
 */
import { z } from 'zod';
import { strictObject } from './unknown-fields.js';
import { IpvsSync } from './ipvs-sync.js';
import {
  Description,
  InterfaceName,
  IpAddress,
  Labels,
  Name,
  NO_CONTROL_CHARACTERS,
  ProgramPath,
  Text,
} from './common.js';
import { ScriptRunAs } from './script-run-as.js';
import { TrackFileInit, TrackFilePath, TrackFileReverse } from './track-file.js';

/** A virtual IP owned by the MASTER (keepalived `virtual_ipaddress`). */
export const Vip = strictObject({
  address: IpAddress,
  prefixLength: z
    .int()
    .min(0)
    .max(128)
    .optional()
    .meta({ description: 'Defaults to 32 (IPv4) or 128 (IPv6)' }),
  device: InterfaceName.optional().meta({
    description: "Interface to bind on; defaults to the instance's",
  }),
  label: Text(15)
    .regex(
      new RegExp(`^[^${NO_CONTROL_CHARACTERS}]{1,15}$`),
      'must be 1-15 printable characters without spaces',
    )
    .optional()
    .meta({ description: 'IFA_LABEL, e.g. eth0:web' }),
  advertised: z.boolean().optional().meta({
    description:
      'false: added and removed with the others but left out of the adverts (keepalived virtual_ipaddress_excluded; RFC 3768 §5.3.5 counts only the advertised), and exempt from the one-family rule; default true',
  }),
}).meta({ id: 'Vip' });
export type Vip = z.output<typeof Vip>;

/** Something whose failure changes this director's priority (keepalived track_*). */
export const TrackedCheck = z
  .discriminatedUnion('type', [
    strictObject({
      type: z.literal('script'),
      name: Name,
      path: ProgramPath,
      args: z.array(Text(4096)).max(64).default([]),
      intervalMs: z.int().min(100).max(3_600_000).default(2000),
      timeoutMs: z.int().min(10).max(600_000).default(2000),
      rise: z.int().min(1).max(100).default(1),
      fall: z.int().min(1).max(100).default(1),
      weight: z.int().min(-254).max(254).default(0),
      runAs: ScriptRunAs.optional(),
    }),
    strictObject({
      type: z.literal('file'),
      name: Name,
      path: TrackFilePath,
      weight: z.int().min(-254).max(254).default(1).meta({
        description:
          "The file's number × weight is added to the priority (clamped to -254..253; -254 or below is FAULT). Weight 0: a non-zero number is FAULT",
      }),
      reverse: TrackFileReverse,
      init: TrackFileInit,
    }),
    strictObject({
      type: z.literal('interface'),
      name: Name,
      interface: InterfaceName,
      weight: z.int().min(-254).max(254).default(0),
    }),
    strictObject({
      type: z.literal('virtual-server'),
      name: Name,
      virtualServer: Name,
      weight: z.int().min(-254).max(254).default(0),
      condition: z
        .enum(['all-down', 'below-quorum'])
        .default('below-quorum')
        .meta({ description: 'When the tracked virtual server counts as failed' }),
    }),
  ])
  .meta({
    id: 'TrackedCheck',
    description:
      'On failure: weight 0 puts the instance in FAULT; a non-zero weight is added to the priority while passing (positive) or while failing (negative), clamped to 1-254 (keepalived semantics)',
  });
export type TrackedCheck = z.output<typeof TrackedCheck>;

/** Gratuitous ARP / unsolicited NA behaviour after becoming MASTER (keepalived garp_*). */
export const GarpSettings = strictObject({
  masterDelayS: z
    .int()
    .min(0)
    .max(3600)
    .default(5)
    .meta({ description: 'Second burst this long after the transition (0 = none)' }),
  masterRepeat: z.int().min(1).max(100).default(5).meta({ description: 'Packets per burst' }),
  masterRefreshS: z
    .int()
    .min(0)
    .max(86400)
    .default(0)
    .meta({ description: 'Periodic refresh while MASTER (0 = off)' }),
  intervalMs: z
    .int()
    .min(0)
    .max(10_000)
    .default(0)
    .meta({ description: 'Gap between packets of a burst' }),
}).meta({ id: 'GarpSettings' });

const HookArgs = z.array(Text(4096)).max(64).optional();

/**
 * keepalived-compatible notify hooks: each state's script runs with its own arguments; `any`
 * (keepalived `notify`) runs with its arguments followed by `INSTANCE name state priority`.
 */
export const NotifyHooks = strictObject({
  master: ProgramPath.optional(),
  backup: ProgramPath.optional(),
  fault: ProgramPath.optional(),
  stop: ProgramPath.optional(),
  any: ProgramPath.optional().meta({
    description: 'Run on every transition (keepalived `notify`)',
  }),
  args: strictObject({
    master: HookArgs,
    backup: HookArgs,
    fault: HookArgs,
    stop: HookArgs,
    any: HookArgs,
  })
    .optional()
    .meta({
      description:
        'Each hook\'s own arguments (keepalived `notify_master "/etc/keepalived/notify.sh master"`)',
    }),
  runAs: strictObject({
    master: ScriptRunAs.optional(),
    backup: ScriptRunAs.optional(),
    fault: ScriptRunAs.optional(),
    stop: ScriptRunAs.optional(),
    any: ScriptRunAs.optional(),
  })
    .optional()
    .meta({ description: 'Who each hook runs as (keepalived `notify_master "…" USER GROUP`)' }),
}).meta({ id: 'NotifyHooks' });

/** A director taking part in the election, with its own priority (RFC 9568 §6.1). */
export const VrrpMember = strictObject({
  director: Name,
  priority: z.int().min(1).max(255).meta({ description: '255 = address owner; 1-254 backups' }),
  interface: InterfaceName.optional().meta({
    description: "Overrides the instance's interface on this director",
  }),
  notify: NotifyHooks.optional().meta({
    description:
      "This director's own notify hooks, instead of the instance's (the two halves of a keepalived pair often run different scripts)",
  }),
  trackedChecks: z.array(TrackedCheck).max(64).optional().meta({
    description:
      "This director's own tracked checks, instead of the instance's ([] = none on this director)",
  }),
  unicastSource: IpAddress.optional().meta({
    description:
      "Source of this director's unicast adverts and its peers' destination, when not the director's address (keepalived unicast_src_ip)",
  }),
}).meta({ id: 'VrrpMember' });
export type VrrpMember = z.output<typeof VrrpMember>;

const vrrpFields = {
  vrid: z.int().min(1).max(255),
  version: z.union([z.literal(2), z.literal(3)]).default(3),
  interface: InterfaceName,
  advertIntervalCs: z.int().min(1).max(25500).default(100).meta({
    description:
      'Advertisement interval in centiseconds: v3 up to 4095 (12 bits), v2 whole seconds up to 255 s',
  }),
  preempt: z.boolean().default(true),
  preemptDelayS: z.int().min(0).max(1000).default(0),
  acceptMode: z.boolean().default(true).meta({
    description:
      "RFC 9568 Accept_Mode: whether a director that is not the address owner (priority 255) accepts packets addressed to the VIPs. On by default, as keepalived outside vrrp_strict: a load balancer must accept its virtual servers' traffic. Off (keepalived `no_accept`) installs nftables rules that drop them.",
  }),
  unicast: z
    .boolean()
    .default(false)
    .meta({ description: 'Send adverts to the other members instead of multicast' }),
  v3ChecksumAsV2: z.boolean().default(false).meta({
    description:
      'VRRPv3 over IPv4: checksum without the IPv4 pseudo-header, as RFC 9568 §5.2.8 specifies (keepalived `v3_checksum_as_v2`). Off by default: keepalived and Wireshark expect the pseudo-header form and keepalived drops the other. Both forms are accepted on receive.',
  }),
  authPassword: z
    .string()
    .min(1)
    .refine((p) => new TextEncoder().encode(p).length <= 8, 'at most 8 octets (RFC 2338 §5.3.10)')
    .optional()
    .meta({ description: 'VRRPv2 simple password (RFC 2338 type 1); secret: hidden from viewers' }),
  vips: z.array(Vip).max(256).meta({
    description:
      'None: a notify-only instance (an election whose hooks move something else, as keepalived runs one), IPv4 unless its unicast addresses are IPv6',
  }),
  trackedChecks: z.array(TrackedCheck).max(64).default([]),
  syncGroup: Name.optional().meta({
    description: 'Instances of one sync group change state together',
  }),
  garp: GarpSettings.default({
    masterDelayS: 5,
    masterRepeat: 5,
    masterRefreshS: 0,
    intervalMs: 0,
  }),
  notify: NotifyHooks.default({}),
  ipvsSync: IpvsSync.optional(),
};

/** A VRRP instance as stored and served by the API. */
export const VrrpInstanceSpec = strictObject({
  name: Name,
  description: Description.optional(),
  labels: Labels.default({}),
  ...vrrpFields,
  members: z.array(VrrpMember).min(1).max(16),
}).meta({ id: 'VrrpInstanceSpec' });
export type VrrpInstanceSpec = z.output<typeof VrrpInstanceSpec>;
export type VrrpInstanceSpecInput = z.input<typeof VrrpInstanceSpec>;

/** A VRRP instance as one director runs it: its own priority, interface and peers resolved. */
export const DirectorVrrpInstance = strictObject({
  name: Name,
  ...vrrpFields,
  priority: VrrpMember.shape.priority,
  unicastSource: IpAddress.optional().meta({
    description: "This director's address, when unicast",
  }),
  unicastPeers: z.array(IpAddress).max(16).default([]),
}).meta({ id: 'DirectorVrrpInstance' });
export type DirectorVrrpInstance = z.output<typeof DirectorVrrpInstance>;
