/**
 * @module IPVS connection synchronisation settings of a VRRP instance (keepalived
 * `lvs_sync_daemon <INTERFACE> <VRRP_INSTANCE> [id] [maxlen] [port] [ttl] [group]` in
 * global_defs): the kernel's sync daemons follow that instance, the master daemon on its
 * MASTER, the backup daemon on every other member, so established connections survive a
 * takeover (net/netfilter/ipvs/ip_vs_sync.c).
 */
import { z } from 'zod';
import { strictObject } from './unknown-fields.js';
import { InterfaceName, IpAddress } from './common.js';
import { parseIpv4, parseIpv6 } from './ip.js';

/** Whether an address is a multicast group: 224.0.0.0/4 (RFC 5771) or ff00::/8 (RFC 4291 §2.7). */
export function isMulticastGroup(text: string): boolean {
  const v4 = parseIpv4(text);
  if (v4) return v4[0]! >= 224 && v4[0]! <= 239;
  const v6 = parseIpv6(text);
  return v6 !== undefined && v6[0]! >> 8 === 0xff;
}

/**
 * The largest and smallest sync message sizes the kernel takes as given, for either group
 * family: `start_sync_thread` clamps `sync_maxlen` to 1024 - headers (backup) … 65535 - headers,
 * headers being 28 bytes (IPv4 + UDP) or 48 (IPv6 + UDP).
 */
export const SYNC_MAX_LENGTH_BYTES = { min: 1024 - 28, max: 65535 - 48 } as const;

export const IpvsSync = strictObject({
  interface: InterfaceName.meta({
    description: 'Interface the sync messages are multicast on and received from (`mcast_ifn`)',
  }),
  syncId: z.int().min(0).max(255).optional().meta({
    description:
      "Sync id: a backup keeps only its own id's messages. Defaults to the instance's VRID (keepalived)",
  }),
  maxLengthBytes: z
    .int()
    .min(SYNC_MAX_LENGTH_BYTES.min)
    .max(SYNC_MAX_LENGTH_BYTES.max)
    .optional()
    .meta({
      description: "UDP payload size of sync messages (default: the link's MTU minus headers)",
    }),
  group: IpAddress.refine(isMulticastGroup, 'must be a multicast group (224.0.0.0/4 or ff00::/8)')
    .optional()
    .meta({ description: 'Multicast group (default 224.0.0.81)' }),
  port: z.int().min(1).max(65535).optional().meta({ description: 'Base UDP port (default 8848)' }),
  ttl: z.int().min(1).max(255).optional().meta({ description: 'Multicast TTL (default 1)' }),
}).meta({
  id: 'IpvsSync',
  description:
    "IPVS connection sync (keepalived `lvs_sync_daemon`): the kernel's master sync daemon runs on this instance's MASTER, the backup daemon on its other members, switched at every transition. At most one instance per director.",
});
export type IpvsSync = z.output<typeof IpvsSync>;
