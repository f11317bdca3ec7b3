/**
 * @module What the agent tells its crash guard (the native helper fleetlb-guard,
 * agent/native/packet-socket/src/guard.c), as plain lines on the guard's stdin: the resignation
 * kit of every instance that is MASTER right now (its priority-0 adverts, ready to send, and its
 * VIPs), replaced on every transition; and `exit` on a clean shutdown. If the agent dies without
 * saying `exit`, its end of the pipe closes and the guard resigns on its behalf.
 *
 *   kit NAME IFNAME IFINDEX 4|6     one per instance, followed by its lines:
 *   advert DESTINATION HEX          IPv4: the whole packet, IP header included; IPv6: VRRP only
 *   vip IFINDEX ADDRESS PREFIXLEN
 *   armed                           the kits since the previous `armed` replace the armed ones
 *   exit
 */
import { ipv4Packet } from '../../core/vrrp/ipv4-header.js';
import type { VrrpFamily } from '../../core/vrrp/types.js';
import type { AddressKey } from '../../linux/rtnetlink/types.js';

export interface ResignationKit {
  instance: string;
  interfaceName: string;
  interfaceIndex: number;
  family: VrrpFamily;
  /** IPv4 source for the IP header. */
  source: string;
  /** Priority-0 adverts: destination (with zone for link-local IPv6) and VRRP payload. */
  adverts: Array<{ destination: string; payload: Uint8Array }>;
  vips: AddressKey[];
}

/** What the guard prints on stdout: readiness per arm, and (on stderr) what it did on resigning. */
export type GuardReport =
  | { type: 'armed'; instances: string[] }
  | {
      type: 'resigned';
      instances: string[];
      adverts: number;
      vipsRemoved: number;
      errors: string[];
    };

/** The largest advert the guard holds (one Ethernet MTU), and its limits per kit. */
const MAX_PACKET_BYTES = 1500;
const MAX_ADVERTS_PER_KIT = 64;
const MAX_VIPS_PER_KIT = 256;
const TOKEN = /^[^\s]{1,127}$/;

/** The lines that arm the guard with `kits` (what cannot be encoded is left out and returned). */
export function encodeArm(kits: readonly ResignationKit[]): { text: string; refused: string[] } {
  const lines: string[] = [];
  const refused: string[] = [];
  for (const kit of kits) {
    if (!TOKEN.test(kit.instance) || !TOKEN.test(kit.interfaceName)) {
      refused.push(`${kit.instance}: a name the guard cannot carry`);
      continue;
    }
    const family = kit.family === 'ipv4' ? 4 : 6;
    lines.push(`kit ${kit.instance} ${kit.interfaceName} ${kit.interfaceIndex} ${family}`);
    for (const { destination, payload } of kit.adverts.slice(0, MAX_ADVERTS_PER_KIT)) {
      const bytes = kit.family === 'ipv4' ? ipv4Packet(kit.source, destination, payload) : payload;
      if (bytes.length > MAX_PACKET_BYTES) {
        refused.push(`${kit.instance}: an advert of ${bytes.length} bytes`);
        continue;
      }
      lines.push(`advert ${destination} ${Buffer.from(bytes).toString('hex')}`);
    }
    for (const vip of kit.vips.slice(0, MAX_VIPS_PER_KIT))
      lines.push(`vip ${vip.interfaceIndex} ${vip.address} ${vip.prefixLength}`);
    if (kit.adverts.length > MAX_ADVERTS_PER_KIT || kit.vips.length > MAX_VIPS_PER_KIT)
      refused.push(`${kit.instance}: more adverts or VIPs than the guard holds`);
  }
  lines.push('armed');
  return { text: `${lines.join('\n')}\n`, refused };
}

export function parseGuardReport(line: string): GuardReport | undefined {
  try {
    const value = JSON.parse(line) as GuardReport;
    if (value.type === 'armed' && Array.isArray(value.instances)) return value;
  } catch {
    // fall through: not a report
  }
  return undefined;
}
