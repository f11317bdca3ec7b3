/**
 * @module Addresses that can never work where they are written: a multicast, broadcast,
 * unspecified, loopback or link-local address as a VIP, a director, a virtual server, a real
 * server or a sorry server. Checked on write (the API and the CLI), on the addresses a write
 * changes, so a site stored before this rule keeps working. The agent checks only a document's
 * unicast peers and source (validate.ts): refusing a whole document for an old VIP or real
 * server would stop every other change from reaching the director.
 *
 * IPv6 link-local (fe80::/10) depends on the role: VRRPv3 over IPv6 sends from, and elects by,
 * the interface's link-local address (RFC 9568 §5.1.2.1, §6.4.3), and a virtual router's first
 * address is its link-local one (RFC 9568 §5.2.9); so a director's address, and a VIP, may be
 * link-local. IPVS refuses a link-local destination that is not local to the director
 * (net/netfilter/ipvs/ip_vs_ctl.c, ip_vs_new_dest), and a service has no interface to scope one
 * to; so a real server, a sorry server and a virtual server may not.
 */
import type { Issue } from './common.js';
import { parseIpv4, parseIpv6 } from './ip.js';

/** Where an address is used. */
export type AddressRole = 'director' | 'vip' | 'virtual-server' | 'real-server' | 'sorry-server';

/** A class of address with why it cannot work, or undefined for an ordinary unicast address. */
export function addressClass(
  text: string,
): { kind: 'link-local-ipv6' | 'never'; reason: string } | undefined {
  const v4 = parseIpv4(text);
  if (v4) {
    const [a = 0, b = 0] = v4;
    if (v4.every((x) => x === 255))
      return { kind: 'never', reason: 'is the limited broadcast address (RFC 919)' };
    if (a === 0)
      return {
        kind: 'never',
        reason: 'is in 0.0.0.0/8, "this host on this network": a source only (RFC 1122 §3.2.1.3)',
      };
    if (a === 127)
      return {
        kind: 'never',
        reason: 'is a loopback address (127.0.0.0/8): it never leaves the host (RFC 1122 §3.2.1.3)',
      };
    if (a >= 224 && a <= 239)
      return {
        kind: 'never',
        reason: 'is a multicast group address (224.0.0.0/4, RFC 5771), not a host',
      };
    if (a === 169 && b === 254)
      return {
        kind: 'never',
        reason:
          'is an IPv4 link-local address (169.254.0.0/16): self-assigned, never forwarded (RFC 3927 §2.6)',
      };
    return undefined;
  }
  const v6 = parseIpv6(text);
  if (!v6) return undefined;
  const [first = 0] = v6;
  if (v6.every((g) => g === 0))
    return { kind: 'never', reason: 'is the unspecified address :: (RFC 4291 §2.5.2)' };
  if (v6.slice(0, 7).every((g) => g === 0) && v6[7] === 1)
    return { kind: 'never', reason: 'is the loopback address ::1 (RFC 4291 §2.5.3)' };
  if (first >> 8 === 0xff)
    return {
      kind: 'never',
      reason: 'is a multicast address (ff00::/8, RFC 4291 §2.7), not a host',
    };
  if ((first & 0xffc0) === 0xfe80)
    return {
      kind: 'link-local-ipv6',
      reason: 'is an IPv6 link-local address (fe80::/10, RFC 4291 §2.5.6)',
    };
  return undefined;
}

const LINK_LOCAL_WHY: Record<AddressRole, string | undefined> = {
  director: undefined, // VRRPv3's own source address and tie-break (RFC 9568 §5.1.2.1)
  vip: undefined, // a virtual router's first IPv6 address is link-local (RFC 9568 §5.2.9)
  'virtual-server': 'an IPVS service has no interface to scope it to',
  'real-server': 'IPVS refuses a link-local destination (ip_vs_ctl.c ip_vs_new_dest)',
  'sorry-server': 'IPVS refuses a link-local destination (ip_vs_ctl.c ip_vs_new_dest)',
};

const ROLE_NAME: Record<AddressRole, string> = {
  director: "a director's address",
  vip: 'a VIP',
  'virtual-server': "a virtual server's address",
  'real-server': "a real server's address",
  'sorry-server': "a sorry server's address",
};

/**
 * Why `text` cannot work as `role`, or undefined when it can (or is not an address at all:
 * the schema says so).
 * @example addressRefusal('224.0.0.18', 'real-server') // '224.0.0.18 is a multicast group address …'
 */
export function addressRefusal(text: string, role: AddressRole): string | undefined {
  const found = addressClass(text);
  if (!found) return undefined;
  if (found.kind === 'never') return `${text} ${found.reason}: it cannot be ${ROLE_NAME[role]}`;
  const why = LINK_LOCAL_WHY[role];
  return why === undefined
    ? undefined
    : `${text} ${found.reason}: it cannot be ${ROLE_NAME[role]} (${why})`;
}

/** The address fields of each kind of object, with their role. */
type Spec = Record<string, unknown>;
const ADDRESS_FIELDS: Record<
  string,
  (spec: Spec) => { path: Issue['path']; address: string; role: AddressRole }[]
> = {
  director: (s) => [{ path: ['address'], address: String(s.address), role: 'director' }],
  'vrrp-instance': (s) =>
    ((s.vips ?? []) as { address: string }[]).map((v, i) => ({
      path: ['vips', i, 'address'],
      address: v.address,
      role: 'vip' as const,
    })),
  'virtual-server': (s) => [
    ...(s.address === undefined
      ? []
      : [{ path: ['address'], address: String(s.address), role: 'virtual-server' as const }]),
    ...(s.sorryServer === undefined
      ? []
      : [
          {
            path: ['sorryServer', 'address'],
            address: (s.sorryServer as { address: string }).address,
            role: 'sorry-server' as const,
          },
        ]),
  ],
  'real-server': (s) => [{ path: ['address'], address: String(s.address), role: 'real-server' }],
};

/**
 * Issues for the addresses of `after` (an object of `kind`) that cannot work, leaving out those
 * `before` already had at the same place: a write is refused for what it changes, not for an
 * address it leaves as it was.
 */
export function addressIssues(kind: string, after: Spec, before?: Spec): Issue[] {
  const fields = ADDRESS_FIELDS[kind];
  if (!fields) return [];
  const old = new Set(before ? fields(before).map((f) => `${f.path.join('.')}=${f.address}`) : []);
  return fields(after).flatMap(({ path, address, role }) => {
    if (old.has(`${path.join('.')}=${address}`)) return [];
    const message = addressRefusal(address, role);
    return message === undefined ? [] : [{ path, message }];
  });
}
