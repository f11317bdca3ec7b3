/**
 * agent/core/announce: golden bytes of the gratuitous ARP (keepalived vrrp_arp.c layout) and the
 * unsolicited Neighbor Advertisement (keepalived vrrp_ndisc.c layout), written out field by field.
 * The NA checksums were computed independently (a naive Python RFC 1071 sum over the RFC 8200 §8.1
 * pseudo-header and the message) and are re-checked here by summing the frame, and the rejection
 * of bad input with RangeError.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { garpFrame } from '../../agent/core/announce/garp.js';
import { parseMac } from '../../agent/core/announce/mac.js';
import { NA_FRAME_BYTES, unsolicitedNaFrame } from '../../agent/core/announce/neighbor-advert.js';

const hex = (...fields: string[]): string => fields.join('');
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const MAC = '02:00:00:00:00:11';

describe('garpFrame', () => {
  test('is keepalived’s ARP request announcing the VIP, padded to 60 bytes', () => {
    const expected = hex(
      'ffffffffffff', // Ethernet destination: broadcast
      '020000000011', // Ethernet source: interface MAC
      '0806', // ethertype ARP
      '0001', // hardware type: Ethernet
      '0800', // protocol type: IPv4
      '06', // hardware address length
      '04', // protocol address length
      '0001', // opcode: request
      '020000000011', // sender hardware address: interface MAC
      'c0000264', // sender protocol address: 192.0.2.100
      'ffffffffffff', // target hardware address: broadcast (as keepalived)
      'c0000264', // target protocol address: 192.0.2.100
      '00'.repeat(18), // padding to the 60-byte Ethernet minimum
    );
    const frame = garpFrame(MAC, '192.0.2.100');
    assert.equal(frame.length, 60);
    assert.equal(toHex(frame), expected);
  });

  test('accepts upper case and dash-separated MACs', () => {
    assert.deepEqual(
      garpFrame('02-00-00-00-00-1A', '192.0.2.1'),
      garpFrame(MAC.replace('11', '1a'), '192.0.2.1'),
    );
  });

  test('rejects bad MACs and addresses with RangeError', () => {
    for (const mac of [
      '',
      '02:00:00:00:00',
      '02:00:00:00:00:11:22',
      '02:00:00:00:00:1g',
      '0200.0000.0011',
      '02:00-00:00:00:11',
      '01:00:5e:00:00:01',
    ]) {
      assert.throws(() => garpFrame(mac, '192.0.2.1'), RangeError, mac);
    }
    for (const ip of [
      '',
      '192.0.2',
      '192.0.2.256',
      '2001:db8::1',
      '0.0.0.0',
      '224.0.0.18',
      '255.255.255.255',
      ' 192.0.2.1',
    ]) {
      assert.throws(() => garpFrame(MAC, ip), RangeError, ip);
    }
  });
});

describe('unsolicitedNaFrame', () => {
  const na = (flags: string, checksum: string): string =>
    hex(
      '333300000001', // Ethernet destination: 33:33 + low 32 bits of ff02::1 (RFC 2464 §7)
      '020000000011', // Ethernet source: interface MAC
      '86dd', // ethertype IPv6
      '60000000', // version 6, traffic class 0, flow label 0
      '0020', // payload length 32 = NA 24 + option 8
      '3a', // next header 58: ICMPv6
      'ff', // hop limit 255
      '20010db8000000000000000000000100', // source: the VIP 2001:db8::100 (as keepalived)
      'ff020000000000000000000000000001', // destination: ff02::1 all-nodes
      '88', // ICMPv6 type 136: Neighbor Advertisement
      '00', // code 0
      checksum, // ICMPv6 checksum (RFC 4443 §2.3)
      flags, // R S O flags, then 29 reserved bits
      '000000',
      '20010db8000000000000000000000100', // target address: the VIP
      '02', // option type 2: Target Link-Layer Address
      '01', // option length 1 (8 bytes)
      '020000000011', // link-layer address: interface MAC
    );

  test('router: R and O set, S clear', () => {
    const frame = unsolicitedNaFrame(MAC, '2001:db8::100', { router: true });
    assert.equal(frame.length, NA_FRAME_BYTES);
    assert.equal(frame.length, 86);
    assert.equal(toHex(frame), na('a0', '771c'));
  });

  test('host: only O set', () => {
    const frame = unsolicitedNaFrame(MAC, '2001:DB8:0::100', { router: false });
    assert.equal(toHex(frame), na('20', 'f71c'));
  });

  test('the checksum verifies: a naive sum over pseudo-header and message is 0xffff', () => {
    for (const ip of ['2001:db8::1', '2001:db8:ffff:ffff:ffff:ffff:ffff:fffe', 'fe80::1']) {
      const frame = unsolicitedNaFrame('fe:ff:ff:ff:ff:ff', ip, { router: true });
      const icmp = frame.subarray(54);
      const pseudo = [...frame.subarray(22, 54), 0, 0, 0, 32, 0, 0, 0, 58];
      const bytes = [...pseudo, ...icmp];
      let sum = 0;
      for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) + bytes[i + 1]!;
      while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
      assert.equal(sum, 0xffff, ip);
    }
  });

  test('rejects bad MACs and addresses with RangeError', () => {
    assert.throws(
      () => unsolicitedNaFrame('02:00:00:00:11', '2001:db8::1', { router: false }),
      RangeError,
    );
    assert.throws(
      () => unsolicitedNaFrame('33:33:00:00:00:01', '2001:db8::1', { router: false }),
      RangeError,
    );
    for (const ip of [
      '',
      '2001:db8::1::2',
      '2001:db8::g',
      '192.0.2.1',
      '::',
      'ff02::1',
      '2001:db8::1/64',
    ]) {
      assert.throws(() => unsolicitedNaFrame(MAC, ip, { router: false }), RangeError, ip);
    }
  });
});

describe('parseMac', () => {
  test('parses six hex pairs into bytes', () => {
    assert.deepEqual([...parseMac('02:AB:cd:00:ff:10')], [0x02, 0xab, 0xcd, 0x00, 0xff, 0x10]);
  });
});
