/**
 * agent/core/vrrp/receive.ts and outgoing.ts: what a director sends for an instance, and how a
 * received packet is matched to a local instance or dropped with a counted reason
 * (RFC 3768 §7.1, RFC 9568 §7.1, keepalived's address-list check).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { outgoingAdverts, type OutgoingInstance } from '../../agent/core/vrrp/outgoing.js';
import { receiveAdvert, type ReceivingInstance } from '../../agent/core/vrrp/receive.js';
import { decodeVrrp } from '../../agent/core/vrrp/packet.js';
import { ipv4Packet } from '../../agent/core/vrrp/ipv4-header.js';
import { parseIpv4Envelope } from '../../agent/core/vrrp/envelope.js';

const v2: OutgoingInstance = {
  vrid: 51,
  version: 2,
  family: 'ipv4',
  advertIntervalCs: 100,
  authPassword: 'secret',
  vips: ['192.0.2.100', '192.0.2.101'],
  unicastPeers: [],
  v3Ipv4Checksum: 'pseudo-header',
};
const v3: OutgoingInstance = { ...v2, version: 3, authPassword: undefined, advertIntervalCs: 10 };
const receiving = (o: OutgoingInstance): ReceivingInstance => ({
  vrid: o.vrid,
  version: o.version,
  advertIntervalCs: o.advertIntervalCs,
  auth: o.authPassword ? { type: 'simple', password: o.authPassword } : { type: 'none' },
  vips: o.vips,
});
const SOURCE = '192.0.2.11';
const GROUP = '224.0.0.18';
const only = (o: OutgoingInstance, priority = 100) =>
  outgoingAdverts(o, SOURCE, priority)[0]!.payload;
const envelope = { family: 'ipv4', source: SOURCE, destination: GROUP } as const;
const instances = (...list: OutgoingInstance[]) => new Map(list.map((o) => [o.vrid, receiving(o)]));

describe('outgoingAdverts', () => {
  test('multicast: one advert to 224.0.0.18', () => {
    const adverts = outgoingAdverts(v2, SOURCE, 100);
    assert.deepEqual(
      adverts.map((a) => a.destination),
      [GROUP],
    );
  });
  test('unicast: one advert per peer, canonical addresses', () => {
    const adverts = outgoingAdverts(
      {
        ...v3,
        family: 'ipv6',
        vips: ['2001:DB8::100'],
        unicastPeers: ['2001:db8:0::2', 'fe80::2'],
      },
      'fe80::1',
      100,
    );
    assert.deepEqual(
      adverts.map((a) => a.destination),
      ['2001:db8::2', 'fe80::2'],
    );
  });
  test('v2 carries the password and whole seconds', () => {
    const decoded = decodeVrrp(only(v2), envelope);
    assert.ok(decoded.ok && decoded.advert.version === 2);
    assert.equal(decoded.advert.advertIntervalS, 1);
    assert.deepEqual(decoded.advert.auth, { type: 'simple', password: 'secret' });
  });
  test('v3 over IPv4 uses the configured checksum form', () => {
    for (const form of ['pseudo-header', 'no-pseudo-header'] as const) {
      const decoded = decodeVrrp(only({ ...v3, v3Ipv4Checksum: form }), envelope);
      assert.ok(decoded.ok);
      assert.equal(decoded.checksum, form);
    }
  });
  test('priority 0 resignation (RFC 9568 §6.4.3)', () => {
    const decoded = decodeVrrp(only(v3, 0), envelope);
    assert.ok(decoded.ok && decoded.advert.priority === 0);
  });
});

describe('receiveAdvert', () => {
  test('matches the instance and converts v2 seconds to centiseconds', () => {
    const result = receiveAdvert(only(v2), envelope, instances(v2));
    assert.ok(result.ok);
    assert.equal(result.advert.advertIntervalCs, 100);
    assert.equal(result.advert.source, SOURCE);
  });
  const drops: Array<[string, Uint8Array, ReadonlyMap<number, ReceivingInstance>, string]> = [
    ['vrid: no local instance with that VRID', only(v2), instances({ ...v2, vrid: 52 }), 'vrid'],
    ['version: the instance runs v3', only(v2), instances({ ...v2, version: 3 }), 'version'],
    ['auth: password differs', only(v2), instances({ ...v2, authPassword: 'other' }), 'auth'],
    ['auth: we expect none', only(v2), instances({ ...v2, authPassword: undefined }), 'auth'],
    [
      'interval: v2 interval differs (RFC 3768 §7.1)',
      only(v2),
      instances({ ...v2, advertIntervalCs: 200 }),
      'interval',
    ],
    [
      'address_list: VIPs differ',
      only(v2),
      instances({ ...v2, vips: ['192.0.2.100'] }),
      'address_list',
    ],
    [
      'checksum: corrupted',
      (() => {
        const b = only(v2);
        b[9] = b[9]! ^ 1;
        return b;
      })(),
      instances(v2),
      'checksum',
    ],
    ['length: truncated', only(v2).subarray(0, 10), instances(v2), 'length'],
  ];
  for (const [name, bytes, local, reason] of drops) {
    test(name, () => {
      const result = receiveAdvert(bytes, envelope, local);
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.reason, reason);
    });
  }
  test('v3 adopts a different interval (RFC 9568 §6.4.2 learns Master_Adver_Interval)', () => {
    const result = receiveAdvert(only(v3), envelope, instances({ ...v3, advertIntervalCs: 100 }));
    assert.ok(result.ok);
    assert.equal(result.advert.advertIntervalCs, 10);
  });
  test('the address owner (255) is exempt from the address-list check', () => {
    const result = receiveAdvert(
      only(v2, 255),
      envelope,
      instances({ ...v2, vips: ['192.0.2.100'] }),
    );
    assert.ok(result.ok);
  });
  test('VIPs match in any order and in any text form', () => {
    const local = instances({ ...v2, vips: ['192.0.2.101', '192.0.2.100'] });
    assert.ok(receiveAdvert(only(v2), envelope, local).ok);
  });
  describe('an in-place edit: the previous expectations are accepted during the grace period', () => {
    const edited: Array<[string, OutgoingInstance, string]> = [
      ['a VIP added', { ...v2, vips: [...v2.vips, '192.0.2.102'] }, 'address_list'],
      ['the password changed', { ...v2, authPassword: 'newpass' }, 'auth'],
      ['the v2 interval changed', { ...v2, advertIntervalCs: 300 }, 'interval'],
    ];
    for (const [what, next, reason] of edited) {
      test(`${what}: old adverts accepted while previous is set, dropped after`, () => {
        const local = new Map([[51, { ...receiving(next), previous: receiving(v2) }]]);
        assert.ok(receiveAdvert(only(v2), envelope, local).ok);
        assert.ok(receiveAdvert(only(next), envelope, local).ok);
        const after = receiveAdvert(only(v2), envelope, instances(next));
        assert.equal(!after.ok && after.reason, reason);
      });
    }
    test('an advert matching neither configuration is dropped with the current reason', () => {
      const local = new Map([
        [
          51,
          {
            ...receiving({ ...v2, authPassword: 'b' }),
            previous: receiving({ ...v2, authPassword: 'a' }),
          },
        ],
      ]);
      const result = receiveAdvert(only(v2), envelope, local);
      assert.equal(!result.ok && result.reason, 'auth');
    });
  });
});

describe('ipv4Packet (IP_HDRINCL header)', () => {
  test('TTL 255, protocol 112, addresses; the envelope parser reads it back', () => {
    const payload = only(v2);
    const packet = ipv4Packet(SOURCE, GROUP, payload);
    assert.equal(packet[8], 255);
    assert.equal(packet[9], 112);
    const parsed = parseIpv4Envelope(packet);
    assert.ok(parsed.ok);
    assert.equal(parsed.source, SOURCE);
    assert.equal(parsed.destination, GROUP);
    assert.deepEqual(parsed.payload, payload);
  });
});
