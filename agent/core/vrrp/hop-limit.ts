/**
 * @module The IPv6 hop-limit check of RFC 9568 §7.1 ("MUST verify that the IP TTL / Hop Limit is
 * 255"), enforced by nftables because the raw socket cannot read the hop limit of an IPv6 packet:
 * an IPv6 raw socket receives no IPv6 header (RFC 3542 §3) and the hop limit only as a recvmsg(2)
 * control message (ipv6(7) IPV6_HOPLIMIT), while raw-socket reads with recvfrom() (its src/raw.cc).
 * The rule drops VRRP (IP protocol 112) with any other hop limit before it reaches the socket, and
 * counts it. Pure: returns the text for `nft -f -`.
 */
export const HOP_LIMIT_TABLE = 'fleetlb_vrrp_hop_limit';

/** Ruleset for the IPv6 interfaces that run VRRP; with none it just removes the table. */
export function hopLimitRuleset(interfaces: readonly string[]): string {
  const table = `ip6 ${HOP_LIMIT_TABLE}`;
  const reset = [`add table ${table}`, `delete table ${table}`];
  if (interfaces.length === 0) return `${reset.join('\n')}\n`;
  const names = [...new Set(interfaces)].sort().map((name) => JSON.stringify(name));
  return [
    ...reset,
    `table ${table} {`,
    '  chain input {',
    '    type filter hook input priority filter - 20; policy accept;',
    `    iifname { ${names.join(', ')} } meta l4proto 112 ip6 hoplimit != 255 counter drop`,
    '  }',
    '}',
    '',
  ].join('\n');
}
