/**
 * @module Accept_Mode False (RFC 9568 §6.1, §6.4.3: a master that is not the address owner
 * "MUST NOT accept packets addressed to" the VIPs) as an nftables ruleset, which is how keepalived
 * implements `no_accept`. The rules can stand for as long as the instance runs: while BACKUP the
 * VIPs are not local, so the input hook never sees packets for them. Neighbour solicitations and
 * advertisements for an IPv6 VIP stay allowed (the master must answer ND, RFC 9568 §8.2.1).
 * Pure: returns the text for `nft -f -`, which replaces the whole table atomically.
 */
import { canonicalAddress } from '../../../contract/ip.js';

export const NO_ACCEPT_TABLE = 'fleetlb_no_accept';

/** The instances whose VIPs must be refused: acceptMode false and not the owner (255). */
export interface AcceptModeInstance {
  acceptMode: boolean;
  priority: number;
  vips: readonly string[];
}

export function noAcceptAddresses(instances: readonly AcceptModeInstance[]): string[] {
  const addresses = instances
    .filter((i) => !i.acceptMode && i.priority !== 255)
    .flatMap((i) => i.vips.map((vip) => canonicalAddress(vip) ?? vip));
  return [...new Set(addresses)].sort();
}

/** The ruleset for `nft -f -`; with no addresses it just removes the table. */
export function noAcceptRuleset(addresses: readonly string[]): string {
  const table = `inet ${NO_ACCEPT_TABLE}`;
  // "add" then "delete" makes the delete safe when the table does not exist yet; one transaction.
  const reset = [`add table ${table}`, `delete table ${table}`];
  if (addresses.length === 0) return `${reset.join('\n')}\n`;
  const v4 = addresses.filter((a) => !a.includes(':'));
  const v6 = addresses.filter((a) => a.includes(':'));
  const set = (name: string, type: string, elements: readonly string[]) =>
    elements.length === 0
      ? `  set ${name} { type ${type}; }`
      : `  set ${name} { type ${type}; elements = { ${elements.join(', ')} }; }`;
  return [
    ...reset,
    `table ${table} {`,
    set('vips4', 'ipv4_addr', v4),
    set('vips6', 'ipv6_addr', v6),
    '  chain input {',
    '    type filter hook input priority filter - 10; policy accept;',
    '    ip daddr @vips4 drop',
    '    ip6 daddr @vips6 icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept',
    '    ip6 daddr @vips6 drop',
    '  }',
    '}',
    '',
  ].join('\n');
}
