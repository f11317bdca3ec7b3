/**
 * agent/core/ipvs codec: golden request bytes written by hand from the <linux/ip_vs.h> layout
 * (sizes: 84-byte NEW_SERVICE, 120-byte NEW_DEST, the sums of their 4-byte-aligned attributes,
 * NLA_ALIGN in include/uapi/linux/netlink.h; the same sizes came out of an encoding built with the
 * `netlink` package's AttrStream), hand-built kernel-style replies (nests without NLA_F_NESTED,
 * HASHED flag, STATS and STATS64 with PAD attributes, unknown attributes), the attribute reader's
 * bounds checks, the encoders' refusals, and properties (round trips, random and truncated input
 * never throw).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Scheduler } from '../../contract/virtual-server.js';
import { canonicalAddress } from '../../contract/ip.js';
import {
  MAX_CONNECTION_TIMEOUT_S,
  MAX_PERSISTENCE_TIMEOUT_S,
  decodeDestination,
  decodeInfo,
  decodeService,
  decodeTimeouts,
  encodeDelDestination,
  encodeDelService,
  encodeGetDestinations,
  encodeGetInfo,
  encodeGetServices,
  encodeNewDestination,
  encodeNewService,
  encodeSetDestination,
  encodeSetService,
  encodeSetTimeouts,
  type IpvsDecodeResult,
} from '../../agent/core/ipvs/codec.js';
import {
  NetlinkAttributeError,
  nlaNest,
  nlaString,
  nlaU16,
  readAttributes,
} from '../../agent/core/ipvs/netlink-attributes.js';
import {
  ZERO_STATS,
  type IpvsDestination,
  type IpvsService,
  type IpvsServiceId,
  type IpvsStats,
  type ObservedService,
} from '../../agent/core/ipvs/model.js';

const hex = (s: string): Uint8Array =>
  Uint8Array.from(s.replace(/\s+/g, '').match(/../g) ?? [], (b) => parseInt(b, 16));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ZERO12 = '000000000000000000000000';

// ---- A kernel-style attribute builder, independent of the codec's writer. ----
const le = (n: number | bigint, size: number): number[] => {
  const out: number[] = [];
  let v = BigInt(n);
  for (let i = 0; i < size; i++, v >>= 8n) out.push(Number(v & 0xffn));
  return out;
};
const be = (n: number, size: number): number[] => le(n, size).reverse();
/** An attribute with no flags, padded like nla_put. */
const tlv = (type: number, payload: ArrayLike<number>): Uint8Array => {
  const length = 4 + payload.length;
  const out = new Uint8Array((length + 3) & ~3);
  out.set([...le(length, 2), ...le(type, 2)]);
  out.set(payload, 4);
  return out;
};
const cat = (parts: readonly Uint8Array[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => [...p]));
/** A nest as nla_nest_start_noflag writes it: no NLA_F_NESTED. */
const nest = (type: number, children: readonly Uint8Array[]): Uint8Array =>
  tlv(type, cat(children));
const str = (s: string): number[] => [...s].map((c) => c.charCodeAt(0)).concat(0);
const addr4 = (a: string): number[] => [
  ...a.split('.').map(Number),
  ...new Array<number>(12).fill(0),
];
const PAD = tlv(11, []); // IPVS_STATS_ATTR_PAD
const STATS_ORDER: readonly (keyof IpvsStats)[] = [
  'connections',
  'inPackets',
  'outPackets',
  'inBytes',
  'outBytes',
  'connectionsPerSecond',
  'inPacketsPerSecond',
  'outPacketsPerSecond',
  'inBytesPerSecond',
  'outBytesPerSecond',
];
/** ip_vs_genl_fill_stats64 (with a PAD before every u64, as on strict-alignment machines). */
const stats64 = (type: number, s: IpvsStats): Uint8Array =>
  nest(
    type,
    STATS_ORDER.flatMap((k, i) => [PAD, tlv(i + 1, le(s[k], 8))]),
  );
/** ip_vs_genl_fill_stats: u32 (truncated) except INBYTES/OUTBYTES, which are u64. */
const stats32 = (type: number, s: IpvsStats): Uint8Array =>
  nest(
    type,
    STATS_ORDER.map((k, i) =>
      i === 3 || i === 4 ? tlv(i + 1, le(s[k], 8)) : tlv(i + 1, le(s[k], 4)),
    ),
  );
const statsOf = (base: bigint): IpvsStats =>
  Object.fromEntries(STATS_ORDER.map((k, i) => [k, base + BigInt(i)])) as unknown as IpvsStats;

// ---- Golden requests. ----
const SVC4: IpvsService = {
  family: 'ipv4',
  protocol: 'tcp',
  address: '192.0.2.1',
  port: 80,
  scheduler: 'wlc',
  schedulerFlags: [],
  persistenceTimeoutS: 0,
  persistenceNetmaskBits: 32,
  onePacket: false,
};
const SVC4_ID: IpvsServiceId = { family: 'ipv4', protocol: 'tcp', address: '192.0.2.1', port: 80 };
const SVC4_ID_ATTRS = `06000100 0200 0000  06000200 0600 0000  14000300 c0000201 ${ZERO12}  06000400 0050 0000`;
const SVC4_ID_NEST = `30000180 ${SVC4_ID_ATTRS}`; // 48 bytes, NLA_F_NESTED | IPVS_CMD_ATTR_SERVICE
const DEST_DR: IpvsDestination = {
  address: '198.51.100.10',
  port: 80,
  forwarding: 'dr',
  weight: 1,
  upperThreshold: 0,
  lowerThreshold: 0,
};
const destNest = (weightHex: string): string =>
  `48000280 14000100 c633640a ${ZERO12}  06000200 0050 0000  08000300 03000000` +
  ` 08000400 ${weightHex}  08000500 00000000  08000600 00000000  06000b00 0200 0000`;

describe('golden requests', () => {
  test('NEW_SERVICE IPv4 TCP 192.0.2.1:80 wlc: 84 bytes', () => {
    const request = encodeNewService(SVC4);
    assert.equal(request.command, 1);
    assert.equal(request.dump, false);
    assert.equal(request.payload.length, 84);
    const expected = hex(
      `54000180 ${SVC4_ID_ATTRS}` +
        ' 08000600 776c6300' + // SCHED_NAME "wlc\0"
        ' 0c000700 00000000 ffffffff' + // FLAGS {flags 0, mask ~0}
        ' 08000800 00000000' + // TIMEOUT 0
        ' 08000900 ffffffff', // NETMASK 255.255.255.255 (__be32)
    );
    assert.equal(toHex(request.payload), toHex(expected));
    assert.equal(encodeSetService(SVC4).command, 2);
    assert.equal(toHex(encodeSetService(SVC4).payload), toHex(expected));
  });

  test('NEW_SERVICE fwmark 7 IPv6 rr, persistent 300 s, /64 (prefix length in host order)', () => {
    const request = encodeNewService({
      family: 'ipv6',
      fwmark: 7,
      scheduler: 'rr',
      schedulerFlags: [],
      persistenceTimeoutS: 300,
      persistenceNetmaskBits: 64,
      onePacket: false,
    });
    const expected = hex(
      '38000180' +
        ' 06000100 0a00 0000' + // AF_INET6
        ' 08000500 07000000' + // FWMARK 7
        ' 07000600 72720000' + // SCHED_NAME "rr\0" + 1 byte padding
        ' 0c000700 01000000 ffffffff' + // IP_VS_SVC_F_PERSISTENT
        ' 08000800 2c010000' + // TIMEOUT 300
        ' 08000900 40000000', // NETMASK 64, little-endian
    );
    assert.equal(toHex(request.payload), toHex(expected));
  });

  test('NEW_SERVICE sh with sh-fallback and sh-port, one-packet: SCHED1|SCHED2|ONEPACKET', () => {
    const { payload } = encodeNewService({
      ...SVC4,
      protocol: 'udp',
      scheduler: 'sh',
      schedulerFlags: ['sh-port', 'sh-fallback'],
      onePacket: true,
    });
    assert.ok(toHex(payload).includes('0c000700' + '1c000000' + 'ffffffff'));
  });

  test('NEW_DEST IPv4 DR: service id nest + dest nest, 120 bytes', () => {
    const request = encodeNewDestination(SVC4_ID, DEST_DR);
    assert.equal(request.command, 5);
    assert.equal(request.payload.length, 120);
    assert.equal(toHex(request.payload), toHex(hex(SVC4_ID_NEST + destNest('01000000'))));
  });

  test('SET_DEST weight change', () => {
    const request = encodeSetDestination(SVC4_ID, { ...DEST_DR, weight: 500 });
    assert.equal(request.command, 6);
    assert.equal(toHex(request.payload), toHex(hex(SVC4_ID_NEST + destNest('f4010000'))));
  });

  test('DEL_DEST: service id nest + ADDR, PORT, ADDR_FAMILY', () => {
    const request = encodeDelDestination(SVC4_ID, { address: '198.51.100.10', port: 80 });
    assert.equal(request.command, 7);
    const dest = `28000280 14000100 c633640a ${ZERO12} 06000200 0050 0000 06000b00 0200 0000`;
    assert.equal(toHex(request.payload), toHex(hex(SVC4_ID_NEST + dest)));
  });

  test('GET_DEST dump: the service id nest only; GET_SERVICE dump: nothing', () => {
    const request = encodeGetDestinations(SVC4_ID);
    assert.deepEqual(
      { command: request.command, dump: request.dump, hex: toHex(request.payload) },
      { command: 8, dump: true, hex: toHex(hex(SVC4_ID_NEST)) },
    );
    assert.deepEqual(encodeGetServices(), { command: 4, payload: new Uint8Array(0), dump: true });
    assert.equal(toHex(encodeDelService(SVC4_ID).payload), toHex(hex(SVC4_ID_NEST)));
    assert.equal(encodeGetInfo().command, 15);
  });

  test('IPv4 destination of an IPv6 service (tun): ADDR_FAMILY says AF_INET', () => {
    const v6: IpvsServiceId = { family: 'ipv6', protocol: 'tcp', address: '2001:db8::1', port: 80 };
    const { payload } = encodeNewDestination(v6, { ...DEST_DR, forwarding: 'tun' });
    assert.ok(toHex(payload).endsWith('06000b00' + '0200' + '0000'));
    assert.ok(toHex(payload).includes('14000300' + '20010db8' + '0000000000000000' + '00000001'));
  });

  test('SET_CONFIG timeouts: only the fields given', () => {
    const request = encodeSetTimeouts({ tcpTimeoutS: 900, udpTimeoutS: 300 });
    assert.equal(request.command, 12);
    assert.equal(toHex(request.payload), '0800040084030000' + '080006002c010000');
  });
});

describe('encoders refuse what the kernel would reject or misread', () => {
  const refusals: readonly [string, () => unknown][] = [
    [
      'IPv6 netmask 0 (EINVAL)',
      () =>
        encodeNewService({
          ...SVC4,
          family: 'ipv6',
          address: '2001:db8::1',
          persistenceNetmaskBits: 0,
        }),
    ],
    ['IPv4 netmask 33', () => encodeNewService({ ...SVC4, persistenceNetmaskBits: 33 })],
    [
      'lower > upper even with upper 0 (ERANGE)',
      () => encodeNewDestination(SVC4_ID, { ...DEST_DR, lowerThreshold: 5 }),
    ],
    [
      'other-family destination without tun',
      () => encodeNewDestination(SVC4_ID, { ...DEST_DR, address: '2001:db8::9' }),
    ],
    ['sh flag on wlc', () => encodeNewService({ ...SVC4, schedulerFlags: ['sh-port'] })],
    [
      'mh flag on sh',
      () => encodeNewService({ ...SVC4, scheduler: 'sh', schedulerFlags: ['mh-port'] }),
    ],
    ['fwmark 0', () => encodeDelService({ family: 'ipv4', fwmark: 0 })],
    ['scheduler of 16 chars', () => encodeNewService({ ...SVC4, scheduler: 'abcdefghijklmnop' })],
    [
      'timeout past 2^32/HZ',
      () => encodeNewService({ ...SVC4, persistenceTimeoutS: MAX_PERSISTENCE_TIMEOUT_S + 1 }),
    ],
    ['IPv6 text for an IPv4 service', () => encodeDelService({ ...SVC4_ID, address: '::1' })],
    ['port 65536', () => encodeDelService({ ...SVC4_ID, port: 65536 })],
    ['weight 65536', () => encodeSetDestination(SVC4_ID, { ...DEST_DR, weight: 65536 })],
    ['timeout 0 (would mean unchanged)', () => encodeSetTimeouts({ tcpTimeoutS: 0 })],
    [
      'timeout past INT_MAX/HZ',
      () => encodeSetTimeouts({ udpTimeoutS: MAX_CONNECTION_TIMEOUT_S + 1 }),
    ],
    ['no timeout at all', () => encodeSetTimeouts({})],
  ];
  for (const [name, encode] of refusals) test(name, () => assert.throws(encode, RangeError));
});

// ---- Kernel-style replies. ----
const SVC_REPLY_STATS64 = statsOf(1000n);
const serviceReply = (
  overrides: ReadonlyMap<number, Uint8Array | null> = new Map(),
): Uint8Array => {
  const base = new Map<number, Uint8Array>([
    [1, tlv(1, le(2, 2))], // AF_INET
    [2, tlv(2, le(6, 2))], // TCP
    [3, tlv(3, addr4('192.0.2.1'))],
    [4, tlv(4, be(443, 2))],
    [6, tlv(6, str('wlc'))],
    [7, tlv(7, [...le(0x3, 4), ...le(0xffffffff, 4)])], // PERSISTENT | HASHED, mask ~0
    [8, tlv(8, le(300, 4))],
    [9, tlv(9, be(0xffffff00, 4))], // /24
    [10, stats32(10, statsOf(7n))],
    [12, stats64(12, SVC_REPLY_STATS64)],
    [99, tlv(99, [1, 2, 3])], // from a newer kernel: ignored
  ]);
  for (const [type, attr] of overrides) {
    if (attr) base.set(type, attr);
    else base.delete(type);
  }
  return nest(1, [...base.values()]);
};
const EXPECTED_SERVICE: ObservedService = {
  family: 'ipv4',
  protocol: 'tcp',
  address: '192.0.2.1',
  port: 443,
  scheduler: 'wlc',
  schedulerFlags: [],
  persistenceTimeoutS: 300,
  persistenceNetmaskBits: 24,
  onePacket: false,
  destinations: [],
  stats: SVC_REPLY_STATS64,
};
const destReply = (overrides: ReadonlyMap<number, Uint8Array | null> = new Map()): Uint8Array => {
  const base = new Map<number, Uint8Array>([
    [1, tlv(1, addr4('198.51.100.10'))],
    [2, tlv(2, be(8080, 2))],
    [3, tlv(3, le(0, 4))], // MASQ
    [4, tlv(4, le(100, 4))],
    [13, tlv(13, [0])], // TUN_TYPE IPIP
    [14, tlv(14, [0, 0])],
    [15, tlv(15, [0, 0])],
    [5, tlv(5, le(1000, 4))],
    [6, tlv(6, le(10, 4))],
    [7, tlv(7, le(12, 4))],
    [8, tlv(8, le(34, 4))],
    [9, tlv(9, le(5, 4))],
    [11, tlv(11, le(2, 2))],
    [10, stats32(10, statsOf(1n))],
    [12, stats64(12, statsOf(1n << 40n))],
  ]);
  for (const [type, attr] of overrides) {
    if (attr) base.set(type, attr);
    else base.delete(type);
  }
  return nest(2, [...base.values()]);
};
const failure = <T, I>(result: IpvsDecodeResult<T, I>) => {
  assert.ok(!result.ok, 'expected a failure');
  return result;
};

describe('decoding kernel replies', () => {
  test('service with HASHED, PAD attributes, STATS and STATS64, an unknown attribute', () => {
    assert.deepEqual(decodeService(serviceReply()), { ok: true, value: EXPECTED_SERVICE });
  });
  test('service without STATS64 falls back to the 32-bit STATS nest', () => {
    const result = decodeService(serviceReply(new Map([[12, null]])));
    assert.deepEqual(result.ok && result.value.stats, statsOf(7n));
  });
  test('fwmark IPv6 service with its prefix length in host order', () => {
    const reply = nest(1, [
      tlv(1, le(10, 2)),
      tlv(5, le(42, 4)),
      tlv(6, str('mh')),
      tlv(7, [...le(0x2 | 0x8 | 0x10, 4), ...le(0xffffffff, 4)]),
      tlv(8, le(0, 4)),
      tlv(9, le(96, 4)),
    ]);
    assert.deepEqual(decodeService(reply), {
      ok: true,
      value: {
        family: 'ipv6',
        fwmark: 42,
        scheduler: 'mh',
        schedulerFlags: ['mh-fallback', 'mh-port'],
        persistenceTimeoutS: 0,
        persistenceNetmaskBits: 96,
        onePacket: false,
        destinations: [],
        stats: ZERO_STATS,
      },
    });
  });
  test('NLA_F_NESTED on the kernel side is accepted too', () => {
    const flagged = serviceReply();
    flagged[3]! |= 0x80;
    assert.deepEqual(decodeService(flagged), { ok: true, value: EXPECTED_SERVICE });
  });
  test('destination with connections and STATS64', () => {
    assert.deepEqual(decodeDestination(destReply(), 'ipv4'), {
      ok: true,
      value: {
        address: '198.51.100.10',
        port: 8080,
        forwarding: 'nat',
        weight: 100,
        upperThreshold: 1000,
        lowerThreshold: 10,
        activeConnections: 12,
        inactiveConnections: 34,
        persistentConnections: 5,
        stats: statsOf(1n << 40n),
      },
    });
  });
  test('destination without ADDR_FAMILY (before 3.18) takes the service family', () => {
    const v6 = tlv(1, hex('20010db8000000000000000000000042'));
    const result = decodeDestination(
      destReply(
        new Map([
          [11, null],
          [1, v6],
        ]),
      ),
      'ipv6',
    );
    assert.equal(result.ok && result.value.address, '2001:db8::42');
  });
  test('info and timeouts', () => {
    const info = cat([tlv(1, le(0x010201, 4)), tlv(2, le(4096, 4))]);
    assert.deepEqual(decodeInfo(info), {
      ok: true,
      value: { versionCode: 0x010201, version: '1.2.1', connectionTableSize: 4096 },
    });
    const config = cat([tlv(4, le(900, 4)), tlv(5, le(120, 4)), tlv(6, le(300, 4))]);
    assert.deepEqual(decodeTimeouts(config), {
      ok: true,
      value: { tcpTimeoutS: 900, tcpFinTimeoutS: 120, udpTimeoutS: 300 },
    });
    assert.deepEqual(decodeTimeouts(tlv(6, le(300, 4))), { ok: true, value: { udpTimeoutS: 300 } });
  });
});

describe('what the model cannot say is reported, with the identity', () => {
  const unsupported: readonly [string, Uint8Array, string][] = [
    [
      'a persistence engine',
      serviceReply(new Map([[11, tlv(11, str('sip'))]])),
      'IPVS_SVC_ATTR_PE_NAME',
    ],
    [
      'SCHED1 on wlc',
      serviceReply(new Map([[7, tlv(7, [...le(0x8, 4), ...le(~0 >>> 0, 4)])]])),
      'IPVS_SVC_ATTR_FLAGS',
    ],
    [
      'SCHED3 on sh',
      serviceReply(
        new Map([
          [6, tlv(6, str('sh'))],
          [7, tlv(7, [...le(0x20, 4), ...le(0, 4)])],
        ]),
      ),
      'IPVS_SVC_ATTR_FLAGS',
    ],
    [
      'an unknown flag',
      serviceReply(new Map([[7, tlv(7, [...le(0x40, 4), ...le(0, 4)])]])),
      'IPVS_SVC_ATTR_FLAGS',
    ],
    [
      'a non-contiguous mask',
      serviceReply(new Map([[9, tlv(9, be(0xff00ff00, 4))]])),
      'IPVS_SVC_ATTR_NETMASK',
    ],
    [
      'persistent with timeout 0',
      serviceReply(new Map([[8, tlv(8, le(0, 4))]])),
      'IPVS_SVC_ATTR_TIMEOUT',
    ],
  ];
  for (const [name, reply, attribute] of unsupported) {
    test(`service: ${name}`, () => {
      const result = failure(decodeService(reply));
      assert.equal(result.kind, 'unsupported');
      assert.equal(result.attribute, `IPVS_CMD_ATTR_SERVICE/${attribute}`);
      assert.deepEqual(result.id, {
        family: 'ipv4',
        protocol: 'tcp',
        address: '192.0.2.1',
        port: 443,
      });
    });
  }
  for (const [fwd, name] of [
    [1, 'LOCALNODE'],
    [4, 'BYPASS'],
    [7, 'unknown'],
  ] as const) {
    test(`destination: forwarding ${name}`, () => {
      const result = failure(
        decodeDestination(destReply(new Map([[3, tlv(3, le(fwd, 4))]])), 'ipv4'),
      );
      assert.equal(result.kind, 'unsupported');
      assert.equal(result.attribute, 'IPVS_CMD_ATTR_DEST/IPVS_DEST_ATTR_FWD_METHOD');
      assert.match(result.error, new RegExp(name));
      assert.deepEqual(result.id, { address: '198.51.100.10', port: 8080 });
    });
  }
  test('destination: a GUE tunnel', () => {
    const reply = destReply(
      new Map([
        [3, tlv(3, le(2, 4))],
        [13, tlv(13, [1])],
      ]),
    );
    const result = failure(decodeDestination(reply, 'ipv4'));
    assert.equal(result.kind, 'unsupported');
    assert.match(result.error, /GUE/);
  });
  test('malformed: wrong-size AF, missing nest, short address, missing counter', () => {
    const wrongAf = failure(decodeService(serviceReply(new Map([[1, tlv(1, le(2, 4))]]))));
    assert.deepEqual(
      [wrongAf.kind, wrongAf.attribute],
      ['malformed', 'IPVS_CMD_ATTR_SERVICE/IPVS_SVC_ATTR_AF'],
    );
    assert.equal(failure(decodeService(new Uint8Array(0))).attribute, 'IPVS_CMD_ATTR_SERVICE');
    const v4BytesAsV6 = new Map([
      [1, tlv(1, [198, 51, 100, 10])],
      [11, tlv(11, le(10, 2))],
    ]);
    const shortV6 = failure(decodeDestination(destReply(v4BytesAsV6), 'ipv4'));
    assert.equal(shortV6.attribute, 'IPVS_CMD_ATTR_DEST/IPVS_DEST_ATTR_ADDR');
    const noConns = failure(decodeDestination(destReply(new Map([[7, null]])), 'ipv4'));
    assert.deepEqual(noConns.id, { address: '198.51.100.10', port: 8080 });
  });
});

describe('netlink attributes', () => {
  test('the writer pads to 4 and sets NLA_F_NESTED on nests', () => {
    assert.equal(toHex(nlaString(6, 'wlc')), '08000600776c6300');
    assert.equal(toHex(nlaU16(1, 2)), '0600010002000000');
    assert.equal(toHex(nlaNest(2, [nlaU16(1, 10)])), '0c000280' + '060001000a000000');
  });
  test('the reader strips NLA_F_NESTED and NLA_F_NET_BYTEORDER, tolerates a missing last pad', () => {
    const [a, b] = readAttributes(hex('0800 01c0 01020304 0500 0200 ff'));
    assert.deepEqual([a?.type, a?.nested, a?.netByteOrder, b?.type], [1, true, true, 2]);
    assert.equal(toHex(b!.payload), 'ff');
  });
  const broken: readonly [string, string][] = [
    ['a header cut short', '0800010001020304 0400'],
    ['nla_len below 4', '0200 0100'],
    ['nla_len past the end', '0c00 0100 01020304'],
  ];
  for (const [name, bytes] of broken) {
    test(`the reader rejects ${name}`, () =>
      assert.throws(() => readAttributes(hex(bytes)), NetlinkAttributeError));
  }
});

// ---- Properties. ----
// Every scheduler the contract allows, plus `none` (what the kernel reports for no scheduler).
const SCHEDULERS = [...Scheduler.options, 'none'];
const ipv4Text = fc
  .tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255))
  .map((b) => b.join('.'));
const ipv6Text = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return canonicalAddress(groups.join(':'))!;
});
const family = fc.constantFrom('ipv4' as const, 'ipv6' as const);
const serviceIdArb: fc.Arbitrary<IpvsServiceId> = family.chain((f) =>
  fc.oneof(
    fc.record({ family: fc.constant(f), fwmark: fc.integer({ min: 1, max: 0xffffffff }) }),
    fc.record({
      family: fc.constant(f),
      protocol: fc.constantFrom('tcp' as const, 'udp' as const, 'sctp' as const),
      address: f === 'ipv4' ? ipv4Text : ipv6Text,
      port: fc.nat(65535),
    }),
  ),
);
const serviceArb: fc.Arbitrary<IpvsService> = fc
  .tuple(serviceIdArb, fc.constantFrom(...SCHEDULERS))
  .chain(([id, scheduler]) =>
    fc
      .record({
        scheduler: fc.constant(scheduler),
        schedulerFlags:
          scheduler === 'sh' || scheduler === 'mh'
            ? fc.subarray([`${scheduler}-fallback` as const, `${scheduler}-port` as const])
            : fc.constant([]),
        persistenceTimeoutS: fc.oneof(
          fc.constant(0),
          fc.integer({ min: 1, max: MAX_PERSISTENCE_TIMEOUT_S }),
        ),
        persistenceNetmaskBits:
          id.family === 'ipv4' ? fc.nat(32) : fc.integer({ min: 1, max: 128 }),
        onePacket: fc.boolean(),
      })
      .map((config) => ({ ...id, ...config }) as IpvsService),
  );
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const statsArb: fc.Arbitrary<IpvsStats> = fc
  .array(u64, { minLength: 10, maxLength: 10 })
  .map(
    (values) =>
      Object.fromEntries(STATS_ORDER.map((k, i) => [k, values[i]!])) as unknown as IpvsStats,
  );
const destArb = (serviceFamily: 'ipv4' | 'ipv6'): fc.Arbitrary<IpvsDestination> =>
  fc
    .tuple(fc.oneof(ipv4Text, ipv6Text), fc.integer({ min: 0, max: 0xffffffff }))
    .chain(([address, upperThreshold]) =>
      fc.record({
        address: fc.constant(address),
        port: fc.nat(65535),
        forwarding:
          address.includes(':') === (serviceFamily === 'ipv6')
            ? fc.constantFrom('nat' as const, 'dr' as const, 'tun' as const)
            : fc.constant('tun' as const),
        weight: fc.nat(65535),
        upperThreshold: fc.constant(upperThreshold),
        lowerThreshold: fc.integer({ min: 0, max: upperThreshold }),
      }),
    );

/** The kernel's dump entry for a NEW_SERVICE request: HASHED added, nests unflagged, counters appended. */
function asKernelService(request: Uint8Array, stats: IpvsStats): Uint8Array {
  const [svc] = readAttributes(request);
  const children = readAttributes(svc!.payload).map((a) => {
    const payload = Uint8Array.from(a.payload);
    if (a.type === 7) payload[0]! |= 0x2; // IP_VS_SVC_F_HASHED
    return tlv(a.type, payload);
  });
  return nest(1, [...children, stats32(10, stats), stats64(12, stats)]);
}

/** The kernel's dump entry for a NEW_DEST request: tunnel fields, connections and counters added. */
function asKernelDestination(
  request: Uint8Array,
  conns: readonly number[],
  stats: IpvsStats,
): Uint8Array {
  const dest = readAttributes(request).find((a) => a.type === 2)!;
  const children = readAttributes(dest.payload).map((a) => tlv(a.type, a.payload));
  const counters = conns.map((n, i) => tlv(7 + i, le(n, 4)));
  const tunnel = [tlv(13, [0]), tlv(14, [0, 0]), tlv(15, [0, 0])];
  return nest(2, [...children, ...tunnel, ...counters, stats32(10, stats), stats64(12, stats)]);
}

describe('properties', () => {
  test('service: encode → kernel-style reply → decode round-trips', () => {
    fc.assert(
      fc.property(serviceArb, statsArb, (service, stats) => {
        const reply = asKernelService(encodeNewService(service).payload, stats);
        assert.deepEqual(decodeService(reply), {
          ok: true,
          value: { ...service, destinations: [], stats },
        });
        // The request itself decodes too (no counters → zeros).
        const plain = decodeService(encodeSetService(service).payload);
        assert.deepEqual(plain.ok && plain.value.stats, ZERO_STATS);
      }),
      { numRuns: 300 },
    );
  });

  test('destination: encode → kernel-style reply → decode round-trips', () => {
    const arb = serviceIdArb.chain((service) =>
      fc.tuple(
        fc.constant(service),
        destArb(service.family),
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 3, maxLength: 3 }),
        statsArb,
      ),
    );
    fc.assert(
      fc.property(arb, ([service, dest, conns, stats]) => {
        const reply = asKernelDestination(
          encodeNewDestination(service, dest).payload,
          conns,
          stats,
        );
        const [activeConnections, inactiveConnections, persistentConnections] = conns;
        assert.deepEqual(decodeDestination(reply, service.family), {
          ok: true,
          value: { ...dest, activeConnections, inactiveConnections, persistentConnections, stats },
        });
      }),
      { numRuns: 300 },
    );
  });

  const decoders = [
    (b: Uint8Array) => decodeService(b),
    (b: Uint8Array) => decodeDestination(b, 'ipv4'),
    (b: Uint8Array) => decodeDestination(b, 'ipv6'),
    (b: Uint8Array) => decodeInfo(b),
    (b: Uint8Array) => decodeTimeouts(b),
  ];
  const checkShape = (result: IpvsDecodeResult<unknown, unknown>): void => {
    if (result.ok) return;
    assert.ok(result.kind === 'malformed' || result.kind === 'unsupported');
    assert.equal(typeof result.error, 'string');
    assert.equal(typeof result.attribute, 'string');
  };

  test('random bytes and random attribute trees never throw', () => {
    const attr = fc
      .record({ type: fc.nat(16), payload: fc.uint8Array({ maxLength: 24 }) })
      .map(({ type, payload }) => tlv(type, payload));
    const inner = fc
      .tuple(fc.nat(12), fc.array(attr, { maxLength: 6 }))
      .map(([type, children]) => nest(type, children));
    const tree = fc
      .tuple(fc.constantFrom(1, 2), fc.array(fc.oneof(attr, inner), { maxLength: 14 }))
      .map(([outer, children]) => nest(outer, children));
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      tree,
      fc.array(attr, { maxLength: 4 }).map(cat),
    );
    fc.assert(
      fc.property(bytes, (input) => {
        for (const decode of decoders) checkShape(decode(input));
      }),
      { numRuns: 2000 },
    );
  });

  test('corrupting one byte of a valid reply never throws', () => {
    const replies = [serviceReply(), destReply()];
    fc.assert(
      fc.property(fc.nat(1), fc.nat(400), fc.nat(255), (which, at, value) => {
        const reply = Uint8Array.from(replies[which]!);
        reply[at % reply.length] = value;
        for (const decode of decoders) checkShape(decode(reply));
      }),
      { numRuns: 2000 },
    );
  });

  test('every truncation of a valid reply is a malformed failure', () => {
    fc.assert(
      fc.property(serviceArb, statsArb, (service, stats) => {
        const reply = asKernelService(encodeNewService(service).payload, stats);
        for (let length = 0; length < reply.length; length++) {
          const result = decodeService(reply.subarray(0, length));
          assert.equal(result.ok ? 'ok' : result.kind, 'malformed', `at ${length}`);
        }
      }),
      { numRuns: 40 },
    );
    for (const reply of [destReply()]) {
      for (let length = 0; length < reply.length; length++) {
        const result = decodeDestination(reply.subarray(0, length), 'ipv4');
        assert.equal(result.ok ? 'ok' : result.kind, 'malformed', `at ${length}`);
      }
    }
    const info = cat([tlv(1, le(0x010201, 4)), tlv(2, le(4096, 4))]);
    for (let length = 0; length < info.length; length++) {
      assert.equal(decodeInfo(info.subarray(0, length)).ok, false, `info at ${length}`);
    }
  });
});

describe('decoding without statistics ({ stats: false })', () => {
  const withoutStats = <T extends { stats: IpvsStats }>(
    result: IpvsDecodeResult<T, unknown>,
  ): IpvsDecodeResult<T, unknown> =>
    result.ok ? { ok: true, value: { ...result.value, stats: ZERO_STATS } } : result;

  test('service: the same value with ZERO_STATS itself, STATS64 and STATS left unread', () => {
    const result = decodeService(serviceReply(), { stats: false });
    assert.deepEqual(result, { ok: true, value: { ...EXPECTED_SERVICE, stats: ZERO_STATS } });
    assert.ok(result.ok);
    assert.equal(result.value.stats, ZERO_STATS);
    assert.deepEqual(decodeService(serviceReply(), { stats: true }), decodeService(serviceReply()));
  });
  test('destination: the same value with ZERO_STATS itself', () => {
    const full = decodeDestination(destReply(), 'ipv4');
    const result = decodeDestination(destReply(), 'ipv4', { stats: false });
    assert.deepEqual(result, withoutStats(full));
    assert.ok(result.ok);
    assert.equal(result.value.stats, ZERO_STATS);
    assert.deepEqual(decodeDestination(destReply(), 'ipv4', {}), full);
  });
  test('a broken counter inside a stats nest only fails when the counters are read', () => {
    const badCounter = nest(12, [tlv(1, [1, 2, 3])]); // a 3-byte IPVS_STATS_ATTR_CONNS
    const svc = serviceReply(new Map([[12, badCounter]]));
    assert.equal(
      failure(decodeService(svc)).attribute,
      'IPVS_CMD_ATTR_SERVICE/IPVS_SVC_ATTR_STATS64/IPVS_STATS_ATTR_CONNS',
    );
    assert.equal(decodeService(svc, { stats: false }).ok, true);
    const dest = destReply(new Map([[12, badCounter]]));
    assert.equal(failure(decodeDestination(dest, 'ipv4')).kind, 'malformed');
    assert.equal(decodeDestination(dest, 'ipv4', { stats: false }).ok, true);
  });
  test('a broken stats nest header is still malformed: the level is always read whole', () => {
    const reply = serviceReply(new Map([[12, hex('0c000c00 01020304')]])); // nla_len past the end
    assert.equal(failure(decodeService(reply, { stats: false })).kind, 'malformed');
  });
  test('round trips and truncations agree with the full decoders', () => {
    fc.assert(
      fc.property(serviceArb, statsArb, (service, stats) => {
        const reply = asKernelService(encodeNewService(service).payload, stats);
        assert.deepEqual(
          decodeService(reply, { stats: false }),
          withoutStats(decodeService(reply)),
        );
        for (let length = 0; length < reply.length; length += 3) {
          const result = decodeService(reply.subarray(0, length), { stats: false });
          assert.equal(result.ok ? 'ok' : result.kind, 'malformed', `at ${length}`);
        }
      }),
      { numRuns: 100 },
    );
    const reply = destReply();
    for (let length = 0; length < reply.length; length++) {
      const result = decodeDestination(reply.subarray(0, length), 'ipv4', { stats: false });
      assert.equal(result.ok ? 'ok' : result.kind, 'malformed', `at ${length}`);
    }
  });
});
