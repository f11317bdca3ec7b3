/**
 * agent/core/vrrp/packet.ts: golden bytes (known-answer vectors computed with the RFC 1071 sum;
 * no public source lists them, so they were checked with tshark: wrap one with `text2pcap -i 112
 * -4 192.168.200.1,224.0.0.18` and read `vrrp.checksum.status`, 1 = Good, with
 * `-o vrrp.v3_checksum_as_in_v2:TRUE` for the message-only IPv4 v3 form; that form also gives
 * 0x4402 for keepalived's own vector `ipv4_vec` in its test/auth_hmac_test.c), every drop reason,
 * the IPv4 raw-socket envelope, and properties (random bytes never throw; encode → decode
 * round-trips).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { internetChecksum } from '../../agent/core/vrrp/checksum.js';
import { canonicalAddress } from '../../contract/ip.js';
import {
  checkAuth,
  decodeVrrp,
  encodeVrrp,
  parseIpv4Envelope,
  VRRP_DROP_REASONS,
  type DecodeContext,
  type V3Ipv4ChecksumForm,
  type VrrpDropReason,
  type VrrpV2Advert,
  type VrrpV3Advert,
} from '../../agent/core/vrrp/packet.js';

const hex = (s: string): Uint8Array =>
  Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// Known-answer vectors: VRID 51, VIP 192.168.200.16, src 192.168.200.1, dst 224.0.0.18.
const SRC4 = '192.168.200.1';
const DST4 = '224.0.0.18';
const V4: DecodeContext = { family: 'ipv4', source: SRC4, destination: DST4 };
const V2_NONE = '213364010001f210c0a8c8100000000000000000';
const V2_PASS = '2133640101018eaec0a8c8103131313100000000';
const V3_PSEUDO = '3133640100647874c0a8c810';
const V3_MSG_ONLY = '313364010064e1adc0a8c810';
const V3_PRIO0_PSEUDO = '313300010064dc74c0a8c810';
// v3 IPv6 fe80::1 → ff02::12, VIPs fe80::10 and 2001:db8::10.
const V3_IPV6 =
  '3133640200643fdd' + 'fe800000000000000000000000000010' + '20010db8000000000000000000000010';
const V6: DecodeContext = { family: 'ipv6', source: 'fe80::1', destination: 'ff02::12' };

const v2Base: VrrpV2Advert = {
  version: 2,
  vrid: 51,
  priority: 100,
  advertIntervalS: 1,
  auth: { type: 'none' },
  addresses: ['192.168.200.16'],
};
const v3Base: VrrpV3Advert = {
  version: 3,
  vrid: 51,
  priority: 100,
  maxAdvertIntervalCs: 100,
  addresses: ['192.168.200.16'],
};

const dropOf = (bytes: Uint8Array, context: DecodeContext): VrrpDropReason | 'accepted' => {
  const result = decodeVrrp(bytes, context);
  return result.ok ? 'accepted' : result.reason;
};

/** Re-computes a v2 / v3-message-only checksum after a field was tampered with. */
const refreshMessageChecksum = (bytes: Uint8Array): Uint8Array => {
  const out = Uint8Array.from(bytes);
  out[6] = 0;
  out[7] = 0;
  const sum = internetChecksum(out);
  out[6] = sum >>> 8;
  out[7] = sum & 0xff;
  return out;
};

describe('internetChecksum (RFC 1071)', () => {
  test('keepalived test/auth_hmac_test.c vector 3133c80100644402c0000264 (message only)', () => {
    const bytes = hex('3133c80100644402c0000264');
    assert.equal(internetChecksum(bytes), 0);
    bytes[6] = 0;
    bytes[7] = 0;
    assert.equal(internetChecksum(bytes), 0x4402);
  });
  test('odd-length parts sum as one byte string', () => {
    const whole = hex('0102030405');
    assert.equal(internetChecksum(hex('01'), hex('0203'), hex('0405')), internetChecksum(whole));
  });
});

describe('encodeVrrp golden bytes (known-answer vectors, tshark-checked)', () => {
  test('v2, prio 100, adv 1 s, auth none → 0xf210', () => {
    assert.equal(toHex(encodeVrrp(v2Base)), V2_NONE);
  });
  test('v2, auth PASS "1111" → 0x8eae', () => {
    const advert: VrrpV2Advert = { ...v2Base, auth: { type: 'simple', password: '1111' } };
    assert.equal(toHex(encodeVrrp(advert)), V2_PASS);
  });
  test('v2, 8-octet password fills the auth data with no padding', () => {
    const bytes = encodeVrrp({ ...v2Base, auth: { type: 'simple', password: 'abcdefgh' } });
    assert.equal(toHex(bytes.subarray(12)), toHex(new TextEncoder().encode('abcdefgh')));
    assert.equal(bytes[4], 1);
    assert.equal(internetChecksum(bytes), 0);
  });
  test('v3 IPv4 with pseudo-header (keepalived default) → 0x7874', () => {
    const bytes = encodeVrrp(v3Base, {
      family: 'ipv4',
      source: SRC4,
      destination: DST4,
      checksum: 'pseudo-header',
    });
    assert.equal(toHex(bytes), V3_PSEUDO);
  });
  test('v3 IPv4 message only (RFC 9568 §5.2.8) → 0xe1ad', () => {
    const bytes = encodeVrrp(v3Base, {
      family: 'ipv4',
      source: SRC4,
      destination: DST4,
      checksum: 'no-pseudo-header',
    });
    assert.equal(toHex(bytes), V3_MSG_ONLY);
  });
  test('v3 IPv4 priority 0 with pseudo-header → 0xdc74', () => {
    const bytes = encodeVrrp(
      { ...v3Base, priority: 0 },
      { family: 'ipv4', source: SRC4, destination: DST4, checksum: 'pseudo-header' },
    );
    assert.equal(toHex(bytes), V3_PRIO0_PSEUDO);
  });
  test('v3 IPv6 fe80::1 → ff02::12 → 0x3fdd', () => {
    const bytes = encodeVrrp(
      { ...v3Base, addresses: ['fe80::10', '2001:DB8::10'] },
      { family: 'ipv6', source: 'fe80::1', destination: 'ff02::12' },
    );
    assert.equal(toHex(bytes), V3_IPV6);
  });
  test('v3 interval uses 12 bits and leaves the reserved nibble zero', () => {
    const bytes = encodeVrrp(
      { ...v3Base, maxAdvertIntervalCs: 4095 },
      { family: 'ipv4', source: SRC4, destination: DST4, checksum: 'no-pseudo-header' },
    );
    assert.equal(bytes[4], 0x0f);
    assert.equal(bytes[5], 0xff);
  });
});

describe('encodeVrrp rejects adverts that are not valid to send', () => {
  const env = {
    family: 'ipv4',
    source: SRC4,
    destination: DST4,
    checksum: 'pseudo-header',
  } as const;
  const cases: [string, () => unknown][] = [
    ['vrid 0', () => encodeVrrp({ ...v2Base, vrid: 0 })],
    ['priority 256', () => encodeVrrp({ ...v2Base, priority: 256 })],
    ['v2 interval 0', () => encodeVrrp({ ...v2Base, advertIntervalS: 0 })],
    ['v2 interval 256', () => encodeVrrp({ ...v2Base, advertIntervalS: 256 })],
    [
      'v3 with no addresses (RFC 9568 erratum 8299)',
      () =>
        encodeVrrp(
          { ...v3Base, addresses: [] },
          { family: 'ipv4', source: SRC4, destination: '224.0.0.18', checksum: 'pseudo-header' },
        ),
    ],
    ['IPv6 address in v2', () => encodeVrrp({ ...v2Base, addresses: ['2001:db8::1'] })],
    [
      '9-octet password',
      () => encodeVrrp({ ...v2Base, auth: { type: 'simple', password: '123456789' } }),
    ],
    ['v3 interval 4096', () => encodeVrrp({ ...v3Base, maxAdvertIntervalCs: 4096 }, env)],
    [
      'v3 IPv4 address in an IPv6 envelope',
      () => encodeVrrp(v3Base, { family: 'ipv6', source: 'fe80::1', destination: 'ff02::12' }),
    ],
  ];
  for (const [name, run] of cases) test(name, () => assert.throws(run, RangeError));
});

describe('decodeVrrp golden bytes', () => {
  test('v2 auth none', () => {
    assert.deepEqual(decodeVrrp(hex(V2_NONE), V4), {
      ok: true,
      advert: v2Base,
      checksum: 'no-pseudo-header',
    });
  });
  test('v2 auth PASS "1111", checked against the expected password', () => {
    const result = decodeVrrp(hex(V2_PASS), {
      ...V4,
      auth: { type: 'simple', password: '1111' },
    });
    assert.deepEqual(result, {
      ok: true,
      advert: { ...v2Base, auth: { type: 'simple', password: '1111' } },
      checksum: 'no-pseudo-header',
    });
  });
  test('v2 with no address (a notify-only instance, as keepalived sends it) decodes', () => {
    const none = { ...v2Base, addresses: [] };
    assert.deepEqual(decodeVrrp(encodeVrrp(none), V4), {
      ok: true,
      advert: none,
      checksum: 'no-pseudo-header',
    });
  });
  test('v2 over IPv4 needs no destination', () => {
    assert.equal(dropOf(hex(V2_NONE), { family: 'ipv4', source: SRC4 }), 'accepted');
  });
  test('v3 IPv4: both checksum forms are accepted and reported', () => {
    const pseudo = decodeVrrp(hex(V3_PSEUDO), V4);
    const plain = decodeVrrp(hex(V3_MSG_ONLY), V4);
    assert.deepEqual(pseudo, { ok: true, advert: v3Base, checksum: 'pseudo-header' });
    assert.deepEqual(plain, { ok: true, advert: v3Base, checksum: 'no-pseudo-header' });
    const prio0 = decodeVrrp(hex(V3_PRIO0_PSEUDO), V4);
    assert.ok(prio0.ok && prio0.advert.priority === 0 && prio0.checksum === 'pseudo-header');
  });
  test('v3 IPv4 pseudo-header form fails with the wrong destination (e.g. a unicast peer)', () => {
    assert.equal(dropOf(hex(V3_PSEUDO), { ...V4, destination: '192.168.200.2' }), 'checksum');
    // The message-only form does not depend on the addresses.
    assert.equal(dropOf(hex(V3_MSG_ONLY), { ...V4, destination: '192.168.200.2' }), 'accepted');
  });
  test('v3 IPv4 without a destination can only verify the message-only form', () => {
    const context: DecodeContext = { family: 'ipv4', source: SRC4 };
    assert.equal(dropOf(hex(V3_MSG_ONLY), context), 'accepted');
    assert.equal(dropOf(hex(V3_PSEUDO), context), 'checksum');
    assert.equal(dropOf(hex(V3_PSEUDO), { ...V4, source: 'not an address' }), 'checksum');
  });
  test('v3 IPv6, addresses in canonical text form', () => {
    assert.deepEqual(decodeVrrp(hex(V3_IPV6), V6), {
      ok: true,
      advert: { ...v3Base, addresses: ['fe80::10', '2001:db8::10'] },
      checksum: 'pseudo-header',
    });
  });
  test('v3 IPv6 without a destination is left to the kernel (IPV6_CHECKSUM)', () => {
    const bytes = hex(V3_IPV6);
    bytes[7] = 0x00; // corrupt: still accepted, reported as unverified
    const result = decodeVrrp(bytes, { family: 'ipv6', source: 'fe80::1' });
    assert.ok(result.ok);
    assert.equal(result.checksum, 'unverified');
  });
  test('reserved nibble is ignored on receive (RFC 9568 §5.2.6)', () => {
    const bytes = hex(V3_MSG_ONLY);
    bytes[4] = 0xf0;
    assert.equal(dropOf(refreshMessageChecksum(bytes), V4), 'accepted');
  });
  test('trailing bytes after the message are tolerated (auth_hmac trailer)', () => {
    const bytes = new Uint8Array(24);
    bytes.set(hex(V2_NONE));
    bytes.set([1, 2, 3, 4], 20);
    assert.equal(dropOf(refreshMessageChecksum(bytes), V4), 'accepted');
  });
});

describe('decodeVrrp drop reasons (one crafted packet each)', () => {
  const v2 = (mutate: (b: Uint8Array) => void): Uint8Array => {
    const bytes = hex(V2_NONE);
    mutate(bytes);
    return refreshMessageChecksum(bytes);
  };
  const v3 = (mutate: (b: Uint8Array) => void): Uint8Array => {
    const bytes = hex(V3_MSG_ONLY);
    mutate(bytes);
    return refreshMessageChecksum(bytes);
  };
  const pass = { ...V4, auth: { type: 'simple', password: '1111' } } as const;
  const cases: [string, Uint8Array, DecodeContext, VrrpDropReason][] = [
    ['length: empty', new Uint8Array(0), V4, 'length'],
    ['length: 7 bytes', hex(V2_NONE).subarray(0, 7), V4, 'length'],
    ['length: v2 without its auth data', hex(V2_NONE).subarray(0, 12), V4, 'length'],
    ['length: v3 count 2 with one address', v3((b) => (b[3] = 2)), V4, 'length'],
    ['length: v3 IPv6 truncated', hex(V3_IPV6).subarray(0, 30), V6, 'length'],
    ['version: 1', v2((b) => (b[0] = 0x11)), V4, 'version'],
    ['version: 4', v3((b) => (b[0] = 0x41)), V4, 'version'],
    ['version: v2 when v3 is expected', hex(V2_NONE), { ...V4, expectVersion: 3 }, 'version'],
    ['version: v3 when v2 is expected', hex(V3_PSEUDO), { ...V4, expectVersion: 2 }, 'version'],
    ['version: v2 over IPv6', hex(V2_NONE), V6, 'version'],
    ['type: 2', v2((b) => (b[0] = 0x22)), V4, 'type'],
    ['type: 0 (v3)', v3((b) => (b[0] = 0x30)), V4, 'type'],
    ['checksum: v2 off by one', hex(V2_NONE.replace('f210', 'f211')), V4, 'checksum'],
    ['checksum: v3 IPv4 neither form', hex(V3_PSEUDO.replace('7874', '7875')), V4, 'checksum'],
    ['checksum: v3 IPv6 wrong source', hex(V3_IPV6), { ...V6, source: 'fe80::2' }, 'checksum'],
    [
      'checksum: v2 PASS data tampered',
      hex(V2_PASS.replace('31313131', '31313132')),
      V4,
      'checksum',
    ],
    ['address_count: v3 count 0', v3((b) => (b[3] = 0)), V4, 'address_count'],
    ['interval: v3 0 cs (erratum 8301)', v3((b) => ((b[4] = 0), (b[5] = 0))), V4, 'interval'],
    [
      'interval: v3 0 cs with reserved bits set',
      v3((b) => ((b[4] = 0xf0), (b[5] = 0))),
      V4,
      'interval',
    ],
    ['interval: v2 0 s', v2((b) => (b[5] = 0)), V4, 'interval'],
    ['auth: type 2 (AH) on protocol 112', v2((b) => (b[4] = 2)), V4, 'auth'],
    ['auth: expected PASS, got none', hex(V2_NONE), pass, 'auth'],
    ['auth: expected none, got PASS', hex(V2_PASS), { ...V4, auth: { type: 'none' } }, 'auth'],
    [
      'auth: wrong password',
      hex(V2_PASS),
      { ...V4, auth: { type: 'simple', password: '1112' } },
      'auth',
    ],
    [
      'auth: password is a prefix of the expected one',
      hex(V2_PASS),
      { ...V4, auth: { type: 'simple', password: '11111' } },
      'auth',
    ],
    [
      'auth: non-zero byte after the NUL padding',
      v2((b) => ((b[4] = 1), b.set([0x31, 0, 0x31], 12))),
      V4,
      'auth',
    ],
    ['auth: invalid UTF-8 password', v2((b) => ((b[4] = 1), b.set([0xff], 12))), V4, 'auth'],
  ];
  for (const [name, bytes, context, reason] of cases) {
    test(name, () => assert.equal(dropOf(bytes, context), reason));
  }
  test('every drop reason of the decoder is exercised above', () => {
    // ttl is the envelope's; vrid and address_list need the local instance (vrrp-receive.test.ts).
    const seen = new Set(cases.map(([, , , reason]) => reason));
    assert.deepEqual(
      VRRP_DROP_REASONS.filter((r) => !seen.has(r)),
      ['ttl', 'vrid', 'address_list'],
    );
  });
  test('v3 over IPv6 whose first address is not link-local is accepted (keepalived sends it)', () => {
    const bytes = encodeVrrp(
      { ...v3Base, addresses: ['2001:db8::10'] },
      { family: 'ipv6', source: 'fe80::1', destination: 'ff02::12' },
    );
    const result = decodeVrrp(bytes, {
      family: 'ipv6',
      source: 'fe80::1',
      destination: 'ff02::12',
    });
    assert.ok(result.ok);
  });
});

describe('checkAuth', () => {
  test('none matches none; types must agree', () => {
    assert.ok(checkAuth({ type: 'none' }, { type: 'none' }));
    assert.ok(!checkAuth({ type: 'none' }, { type: 'simple', password: '' }));
  });
  test('simple compares the padded octets', () => {
    assert.ok(checkAuth({ type: 'simple', password: 'pw' }, { type: 'simple', password: 'pw' }));
    assert.ok(!checkAuth({ type: 'simple', password: 'pw' }, { type: 'simple', password: 'pW' }));
    assert.ok(
      !checkAuth({ type: 'simple', password: '123456789' }, { type: 'simple', password: '123' }),
    );
  });
});

describe('parseIpv4Envelope', () => {
  const ipv4 = (ttl: number, payload: Uint8Array, ihl = 5, totalLength?: number): Uint8Array => {
    const header = new Uint8Array(Math.max(ihl, 5) * 4);
    header[0] = 0x40 | ihl;
    header[1] = 0xc0;
    const total = totalLength ?? header.length + payload.length;
    header[2] = total >>> 8;
    header[3] = total & 0xff;
    header[8] = ttl;
    header[9] = 112;
    header.set([192, 168, 200, 1], 12);
    header.set([224, 0, 0, 18], 16);
    const out = new Uint8Array(header.length + payload.length);
    out.set(header);
    out.set(payload, header.length);
    return out;
  };

  test('splits a keepalived advert into TTL, addresses and payload', () => {
    const result = parseIpv4Envelope(ipv4(255, hex(V3_PSEUDO)));
    assert.ok(result.ok);
    assert.equal(result.ttl, 255);
    assert.equal(result.source, SRC4);
    assert.equal(result.destination, DST4);
    assert.equal(toHex(result.payload), V3_PSEUDO);
    const decoded = decodeVrrp(result.payload, { family: 'ipv4', ...result });
    assert.ok(decoded.ok && decoded.checksum === 'pseudo-header');
  });
  test('honours IHL (IP options) and copies the payload (raw-socket reuses its buffer)', () => {
    const packet = ipv4(255, hex(V2_NONE), 6);
    const result = parseIpv4Envelope(packet);
    assert.ok(result.ok);
    assert.equal(toHex(result.payload), V2_NONE);
    packet.fill(0);
    assert.equal(toHex(result.payload), V2_NONE);
  });
  test('trims padding beyond Total Length', () => {
    const packet = new Uint8Array(60);
    packet.set(ipv4(255, hex(V2_NONE)));
    const result = parseIpv4Envelope(packet);
    assert.ok(result.ok);
    assert.equal(result.payload.length, 20);
  });
  const drops: [string, Uint8Array, 'length' | 'ttl'][] = [
    ['ttl 254 (RFC 9568 §7.1, RFC 3768 §7.1)', ipv4(254, hex(V2_NONE)), 'ttl'],
    ['ttl 1', ipv4(1, hex(V2_NONE)), 'ttl'],
    ['shorter than 20 bytes', ipv4(255, new Uint8Array(0)).subarray(0, 19), 'length'],
    ['IHL 4', ipv4(255, hex(V2_NONE), 4), 'length'],
    ['IHL beyond the buffer', ipv4(255, new Uint8Array(0), 15).subarray(0, 40), 'length'],
    ['Total Length beyond the buffer', ipv4(255, hex(V2_NONE), 5, 100), 'length'],
    ['Total Length inside the header', ipv4(255, hex(V2_NONE), 5, 10), 'length'],
    [
      'not IPv4',
      (() => {
        const p = ipv4(255, hex(V2_NONE));
        p[0] = 0x65;
        return p;
      })(),
      'length',
    ],
  ];
  for (const [name, packet, reason] of drops) {
    test(`drops: ${name}`, () =>
      assert.deepEqual(parseIpv4Envelope(packet), { ok: false, reason }));
  }
  test('checkTtl: false accepts any TTL (unicast peers, as keepalived)', () => {
    const result = parseIpv4Envelope(ipv4(61, hex(V2_NONE)), { checkTtl: false });
    assert.ok(result.ok && result.ttl === 61);
  });
});

describe('properties', () => {
  const ipv4Text = fc
    .tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255))
    .map((b) => b.join('.'));
  const ipv6Bytes = fc.uint8Array({ minLength: 16, maxLength: 16 });
  const bytesToV6 = (b: Uint8Array): string => {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
    return groups.join(':');
  };
  const ipv6Text = ipv6Bytes.map(bytesToV6);
  const linkLocal = ipv6Bytes.map((b) => {
    const c = Uint8Array.from(b);
    c[0] = 0xfe;
    c[1] = 0x80 | (c[1]! & 0x3f);
    return bytesToV6(c);
  });
  const plain = { noNullPrototype: true } as const;
  const common = { vrid: fc.integer({ min: 1, max: 255 }), priority: fc.nat(255) };
  const password = fc
    .string({ maxLength: 8, unit: 'grapheme' })
    .filter((p) => new TextEncoder().encode(p).length <= 8 && !p.includes('\0'));
  const v2Advert: fc.Arbitrary<VrrpV2Advert> = fc.record(
    {
      version: fc.constant(2 as const),
      ...common,
      advertIntervalS: fc.integer({ min: 1, max: 255 }),
      auth: fc.oneof(
        fc.constant({ type: 'none' } as const),
        password.map((p) => ({ type: 'simple' as const, password: p })),
      ),
      addresses: fc.array(ipv4Text, { minLength: 1, maxLength: 255 }),
    },
    plain,
  );
  const v3Fields = {
    version: fc.constant(3 as const),
    ...common,
    maxAdvertIntervalCs: fc.integer({ min: 1, max: 4095 }),
  };
  const v3Ipv4: fc.Arbitrary<VrrpV3Advert> = fc.record(
    {
      ...v3Fields,
      addresses: fc.array(ipv4Text, { minLength: 1, maxLength: 255 }),
    },
    plain,
  );
  const v3Ipv6: fc.Arbitrary<VrrpV3Advert> = fc.record(
    {
      ...v3Fields,
      addresses: fc
        .tuple(linkLocal, fc.array(ipv6Text, { maxLength: 254 }))
        .map(([first, rest]) => [first, ...rest]),
    },
    plain,
  );
  test('random bytes never throw, in any context', () => {
    const context = fc.oneof(
      fc.record({
        family: fc.constant('ipv4' as const),
        source: fc.oneof(ipv4Text, fc.string()),
        destination: fc.option(fc.oneof(ipv4Text, fc.string()), { nil: undefined }),
        expectVersion: fc.option(fc.constantFrom(2 as const, 3 as const), { nil: undefined }),
        auth: fc.option(
          fc.oneof(
            fc.constant({ type: 'none' } as const),
            fc.string().map((p) => ({ type: 'simple' as const, password: p })),
          ),
          { nil: undefined },
        ),
      }),
      fc.record({
        family: fc.constant('ipv6' as const),
        source: fc.oneof(ipv6Text, fc.string()),
        destination: fc.option(fc.oneof(ipv6Text, fc.string()), { nil: undefined }),
      }),
    );
    // Bias towards plausible headers so the deeper checks are reached, not just 'version'.
    const packet = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc
        .tuple(fc.constantFrom(0x21, 0x31, 0x22, 0x41), fc.uint8Array({ maxLength: 200 }))
        .map(([first, rest]) => Uint8Array.from([first, ...rest])),
    );
    fc.assert(
      fc.property(packet, context, (bytes, ctx) => {
        const result = decodeVrrp(bytes, ctx);
        assert.equal(typeof result.ok, 'boolean');
        if (!result.ok) assert.ok(VRRP_DROP_REASONS.includes(result.reason));
        // With a message-only checksum fixed up, v2/v3 reach the auth, interval and address checks.
        if (bytes.length >= 8) {
          const fixed = decodeVrrp(refreshMessageChecksum(bytes), ctx);
          if (!fixed.ok) assert.ok(VRRP_DROP_REASONS.includes(fixed.reason));
        }
        const envelope = parseIpv4Envelope(bytes);
        if (!envelope.ok) assert.ok(['length', 'ttl'].includes(envelope.reason));
      }),
      { numRuns: 2000 },
    );
  });

  test('v2 encode → decode round-trips', () => {
    fc.assert(
      fc.property(v2Advert, ipv4Text, (advert, source) => {
        const bytes = encodeVrrp(advert);
        assert.equal(bytes.length, 16 + 4 * advert.addresses.length);
        assert.deepEqual(
          decodeVrrp(bytes, { family: 'ipv4', source, expectVersion: 2, auth: advert.auth }),
          { ok: true, advert, checksum: 'no-pseudo-header' },
        );
      }),
    );
  });

  test('v3 IPv4 encode → decode round-trips with both checksum forms', () => {
    const form = fc.constantFrom<V3Ipv4ChecksumForm>('pseudo-header', 'no-pseudo-header');
    fc.assert(
      fc.property(v3Ipv4, ipv4Text, ipv4Text, form, (advert, source, destination, checksum) => {
        const bytes = encodeVrrp(advert, { family: 'ipv4', source, destination, checksum });
        assert.equal(bytes.length, 8 + 4 * advert.addresses.length);
        const result = decodeVrrp(bytes, { family: 'ipv4', source, destination, expectVersion: 3 });
        assert.ok(result.ok);
        assert.deepEqual(result.advert, advert);
        // A pseudo-header that sums to zero makes both forms verify; decode then says message-only.
        assert.ok(result.checksum === checksum || internetChecksum(bytes) === 0);
      }),
    );
  });

  test('v3 IPv6 encode → decode round-trips (addresses canonicalised)', () => {
    fc.assert(
      fc.property(v3Ipv6, linkLocal, ipv6Text, (advert, source, destination) => {
        const bytes = encodeVrrp(advert, { family: 'ipv6', source, destination });
        assert.equal(bytes.length, 8 + 16 * advert.addresses.length);
        const result = decodeVrrp(bytes, { family: 'ipv6', source, destination });
        assert.ok(result.ok);
        assert.equal(result.checksum, 'pseudo-header');
        // Decoded text is canonical; re-encoding it gives the same bytes.
        const again = encodeVrrp(result.advert as VrrpV3Advert, {
          family: 'ipv6',
          source,
          destination,
        });
        assert.equal(toHex(again), toHex(bytes));
        assert.deepEqual(
          result.advert.addresses,
          advert.addresses.map((a) => canonicalAddress(a)),
        );
      }),
    );
  });

  test('any single-bit flip of a valid v2 packet is dropped', () => {
    fc.assert(
      fc.property(v2Advert, fc.nat(), fc.nat(7), (advert, at, bit) => {
        const bytes = encodeVrrp(advert);
        bytes[at % bytes.length]! ^= 1 << bit;
        // The internet checksum catches every single-bit error.
        assert.equal(decodeVrrp(bytes, { family: 'ipv4', source: SRC4 }).ok, false);
      }),
    );
  });
});
