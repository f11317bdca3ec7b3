/**
 * @module IP address parsing for the contract: pure (no `node:net`), so both the control plane
 * and the agent's pure core can canonicalise and compare addresses the same way.
 */

export type IpFamily = 'ipv4' | 'ipv6';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Parses an IPv4 address into its 4 bytes, or returns undefined. */
export function parseIpv4(text: string): number[] | undefined {
  if (!IPV4.test(text)) return undefined;
  return text.split('.').map(Number);
}

/** Parses an IPv6 address (with `::` and an optional dotted IPv4 tail) into 8 groups. */
export function parseIpv6(text: string): number[] | undefined {
  if (text.length > 45 || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let body = text;
  if (body.includes('.')) {
    // A dotted IPv4 tail (`::ffff:192.0.2.1`) stands for the last two groups.
    const lastColon = body.lastIndexOf(':');
    const v4 = parseIpv4(body.slice(lastColon + 1));
    if (!v4) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = v4;
    body = `${body.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    return groups.map((g) => parseInt(g, 16));
  };
  const head = parse(halves[0] ?? '');
  const rest = halves.length === 2 ? parse(halves[1] ?? '') : [];
  if (!head || !rest) return undefined;
  const explicit = head.length + rest.length;
  if (halves.length === 1) return explicit === 8 ? head : undefined;
  if (explicit > 7) return undefined;
  return [...head, ...new Array<number>(8 - explicit).fill(0), ...rest];
}

/** The family of an address, or undefined when it is neither IPv4 nor IPv6. */
export function addressFamily(text: string): IpFamily | undefined {
  if (parseIpv4(text)) return 'ipv4';
  if (parseIpv6(text)) return 'ipv6';
  return undefined;
}

/**
 * The canonical text form (RFC 5952 for IPv6: lower case, longest zero run compressed), so that
 * `2001:DB8:0::1` and `2001:db8::1` compare equal.
 * @example canonicalAddress('2001:DB8:0:0::1') // '2001:db8::1'
 */
export function canonicalAddress(text: string): string | undefined {
  const v4 = parseIpv4(text);
  if (v4) return v4.join('.');
  const v6 = parseIpv6(text);
  if (!v6) return undefined;
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (v6[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && v6[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = v6.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLength).join(':');
  return `${left}::${right}`;
}

/** The largest prefix length of a family (32 or 128). */
export function maxPrefixLength(family: IpFamily): number {
  return family === 'ipv4' ? 32 : 128;
}
