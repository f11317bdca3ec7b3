/**
 * @module A minimal DNS message builder and answer checker (RFC 1035 §4) for the DNS probe: one
 * question with RD set, and a reply check (same id, QR, RCODE NOERROR, an answer of the asked type).
 * keepalived DNS_CHECK only wants a reply; fleetlb also wants an answer of the type it asked for.
 */

export const DNS_TYPES = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
} as const;
export type DnsType = keyof typeof DNS_TYPES;

function encodeName(name: string): number[] {
  const out: number[] = [];
  for (const label of name.split('.').filter((l) => l.length > 0)) {
    const bytes = [...new TextEncoder().encode(label)];
    if (bytes.length > 63) throw new RangeError(`DNS label too long: ${label}`);
    out.push(bytes.length, ...bytes);
  }
  out.push(0);
  return out;
}

/** A query for `name`/`type`, class IN, recursion desired. */
export function buildDnsQuery(id: number, name: string, type: DnsType): Uint8Array {
  const t = DNS_TYPES[type];
  const header = [id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
  return Uint8Array.from([...header, ...encodeName(name), t >> 8, t & 0xff, 0, 1]);
}

/** Offset just past a (possibly compressed) name at `offset`, or -1 when malformed. */
function skipName(msg: Uint8Array, offset: number): number {
  let i = offset;
  while (i < msg.length) {
    const len = msg[i] ?? 0;
    if (len === 0) return i + 1;
    if ((len & 0xc0) === 0xc0) return i + 2 <= msg.length ? i + 2 : -1;
    i += len + 1;
  }
  return -1;
}

const u16 = (msg: Uint8Array, i: number): number => ((msg[i] ?? 0) << 8) | (msg[i + 1] ?? 0);

/** Undefined when the reply answers the query; otherwise why not (log text). */
export function checkDnsReply(msg: Uint8Array, id: number, type: DnsType): string | undefined {
  if (msg.length < 12) return 'reply shorter than a DNS header';
  if (u16(msg, 0) !== id) return 'reply id does not match';
  if (((msg[2] ?? 0) & 0x80) === 0) return 'not a reply (QR clear)';
  const rcode = (msg[3] ?? 0) & 0x0f;
  if (rcode !== 0) return `rcode ${rcode}`;
  const questions = u16(msg, 4);
  const answers = u16(msg, 6);
  let i = 12;
  for (let q = 0; q < questions && i >= 0; q++) i = skipName(msg, i) + 4;
  for (let a = 0; a < answers && i >= 0 && i < msg.length; a++) {
    i = skipName(msg, i);
    if (i < 0 || i + 10 > msg.length) break;
    if (u16(msg, i) === DNS_TYPES[type]) return undefined;
    i += 10 + u16(msg, i + 8);
  }
  return `no ${type} record in ${answers} answer(s)`;
}
