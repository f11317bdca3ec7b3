/** contract/ip.ts: parsing, families and the RFC 5952 canonical text form. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  addressFamily,
  canonicalAddress,
  maxPrefixLength,
  parseIpv4,
  parseIpv6,
} from '../../contract/index.js';

describe('parseIpv4', () => {
  const valid: [string, number[]][] = [
    ['0.0.0.0', [0, 0, 0, 0]],
    ['255.255.255.255', [255, 255, 255, 255]],
    ['192.0.2.1', [192, 0, 2, 1]],
    ['203.0.113.250', [203, 0, 113, 250]],
  ];
  for (const [text, bytes] of valid)
    test(`parses ${text}`, () => assert.deepEqual(parseIpv4(text), bytes));

  const invalid = [
    '',
    '256.0.0.1',
    '192.0.2',
    '192.0.2.1.5',
    '01.2.3.4',
    '192.0.2.01',
    ' 192.0.2.1',
    '192.0.2.1 ',
    '192..2.1',
    '+1.2.3.4',
    '0x1.2.3.4',
    '192.0.2.1/24',
    '1e2.0.0.1',
  ];
  for (const text of invalid)
    test(`rejects ${JSON.stringify(text)}`, () => assert.equal(parseIpv4(text), undefined));
});

describe('parseIpv6', () => {
  const valid: [string, number[]][] = [
    ['::', [0, 0, 0, 0, 0, 0, 0, 0]],
    ['::1', [0, 0, 0, 0, 0, 0, 0, 1]],
    ['1::', [1, 0, 0, 0, 0, 0, 0, 0]],
    ['2001:db8::1', [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]],
    ['1:2:3:4:5:6:7:8', [1, 2, 3, 4, 5, 6, 7, 8]],
    ['1::2:3:4:5:6:7', [1, 0, 2, 3, 4, 5, 6, 7]], // RFC 4291 §2.2: `::` may stand for one group
    ['1:2:3:4:5:6:7::', [1, 2, 3, 4, 5, 6, 7, 0]],
    ['::ffff:192.0.2.1', [0, 0, 0, 0, 0, 0xffff, 0xc000, 0x201]], // RFC 4291 §2.2 form 3
    ['64:ff9b::203.0.113.7', [0x64, 0xff9b, 0, 0, 0, 0, 0xcb00, 0x7107]],
    ['1:2:3:4:5:6:255.255.255.255', [1, 2, 3, 4, 5, 6, 0xffff, 0xffff]],
    [
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      [0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff],
    ],
  ];
  for (const [text, groups] of valid)
    test(`parses ${text}`, () => assert.deepEqual(parseIpv6(text), groups));

  const invalid = [
    '',
    ':',
    ':::',
    '1:::2',
    '1::2::3',
    ':1::',
    '::1:',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7:8',
    '12345::',
    'g::1',
    '2001:db8::1/64',
    'fe80::1%eth0',
    '[::1]',
    ' ::1',
    '::ffff:192.0.2',
    '::ffff:256.0.2.1',
    '::ffff:192.0.2.01',
    '192.0.2.1::',
    '::192.0.2.1:1',
    '1:2:3:4:5:6:7:192.0.2.1',
    '192.0.2.1',
    '0000:0000:0000:0000:0000:0000:0000:00000',
  ];
  for (const text of invalid)
    test(`rejects ${JSON.stringify(text)}`, () => assert.equal(parseIpv6(text), undefined));
});

describe('addressFamily and maxPrefixLength', () => {
  test('tells the families apart and rejects the rest', () => {
    assert.equal(addressFamily('198.51.100.7'), 'ipv4');
    assert.equal(addressFamily('2001:db8::7'), 'ipv6');
    assert.equal(addressFamily('::ffff:198.51.100.7'), 'ipv6');
    for (const text of ['', 'example.com', '198.51.100.7:80', '[2001:db8::7]', '2001:db8::7/64'])
      assert.equal(addressFamily(text), undefined, text);
  });

  test('32 bits for IPv4, 128 for IPv6', () => {
    assert.equal(maxPrefixLength('ipv4'), 32);
    assert.equal(maxPrefixLength('ipv6'), 128);
  });
});

describe('canonicalAddress (RFC 5952)', () => {
  const cases: [string, string, string][] = [
    ['§4.1: leading zeros are dropped', '2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['§4.1: a zero group is 0', '2001:db8:0000:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['§4.2.1: :: is as long as possible', '2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['§4.2.2: :: never stands for one group', '2001:db8::1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['§4.2.3: the longest run is compressed', '2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['§4.2.3: the first of equal runs is compressed', '2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['§4.3: lower case', '2001:DB8::AbCd', '2001:db8::abcd'],
    ['all zeros', '0:0:0:0:0:0:0:0', '::'],
    ['loopback', '0:0:0:0:0:0:0:1', '::1'],
    ['trailing run', '2001:db8:0:0:0:0:0:0', '2001:db8::'],
    ['no zeros', '2001:db8:1:2:3:4:5:6', '2001:db8:1:2:3:4:5:6'],
    // RFC 5952 §5 recommends ::ffff:192.0.2.1; the contract renders hex like WHATWG URL does.
    ['IPv4-mapped addresses are rendered in hex', '::FFFF:192.0.2.1', '::ffff:c000:201'],
    ['IPv4 is returned as is', '192.0.2.1', '192.0.2.1'],
  ];
  for (const [rule, input, canonical] of cases)
    test(`${rule}: ${input} -> ${canonical}`, () =>
      assert.equal(canonicalAddress(input), canonical));

  test('is undefined for text that is not an address', () => {
    for (const text of ['', 'localhost', '192.0.2.256', '2001:db8::1::2'])
      assert.equal(canonicalAddress(text), undefined, text);
  });
});

describe('canonicalAddress properties', () => {
  // Zero-heavy groups, so runs of zeros (and ties between runs) are common.
  const group = fc.oneof(
    { arbitrary: fc.constant(0), weight: 2 },
    { arbitrary: fc.integer({ min: 0, max: 0xffff }), weight: 3 },
  );
  const groups = fc.array(group, { minLength: 8, maxLength: 8 });
  /** A valid, deliberately non-canonical rendering: padded or not, upper or lower case. */
  const rendering = fc.tuple(
    groups,
    fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    fc.boolean(),
  );
  const render = ([gs, pad, upper]: [number[], boolean[], boolean]) => {
    const text = gs
      .map((g, i) => (pad[i] ? g.toString(16).padStart(4, '0') : g.toString(16)))
      .join(':');
    return upper ? text.toUpperCase() : text;
  };

  test('canonicalAddress(render(x)) parses back to x', () => {
    fc.assert(
      fc.property(rendering, (r) => {
        const canonical = canonicalAddress(render(r));
        assert.ok(canonical !== undefined);
        assert.deepEqual(parseIpv6(canonical), r[0]);
      }),
      { numRuns: 2000 },
    );
  });

  test('canonicalising is idempotent', () => {
    fc.assert(
      fc.property(rendering, (r) => {
        const canonical = canonicalAddress(render(r));
        assert.equal(canonicalAddress(canonical ?? ''), canonical);
      }),
      { numRuns: 2000 },
    );
  });

  test('agrees with the WHATWG URL serialiser, which follows RFC 5952 §4', () => {
    fc.assert(
      fc.property(rendering, (r) => {
        const text = render(r);
        assert.equal(canonicalAddress(text), new URL(`http://[${text}]/`).hostname.slice(1, -1));
      }),
      { numRuns: 2000 },
    );
  });

  test('any :: compression of a zero run parses to the same groups', () => {
    fc.assert(
      fc.property(groups, fc.nat(7), fc.nat(7), (gs, a, b) => {
        const [from, to] = [Math.min(a, b), Math.max(a, b) + 1];
        const zeroed = gs.map((g, i) => (i >= from && i < to ? 0 : g));
        const hex = zeroed.map((g) => g.toString(16));
        const text = `${hex.slice(0, from).join(':')}::${hex.slice(to).join(':')}`;
        assert.deepEqual(parseIpv6(text), zeroed);
        assert.equal(canonicalAddress(text), canonicalAddress(hex.join(':')));
      }),
      { numRuns: 1000 },
    );
  });

  test('IPv4 round-trips through parse and canonical form', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }),
        (bytes) => {
          const text = bytes.join('.');
          assert.deepEqual(parseIpv4(text), bytes);
          assert.equal(canonicalAddress(text), text);
          assert.equal(addressFamily(text), 'ipv4');
        },
      ),
    );
  });
});
