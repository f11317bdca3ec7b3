/** Shapes and ranges of the contract's zod schemas (defaults: schema-defaults.test.ts). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { z } from 'zod';
import {
  AbsolutePath,
  CheckTiming,
  HealthCheck,
  InterfaceName,
  IpAddress,
  Labels,
  Name,
  Port,
  RealServerSpec,
  TrackedCheck,
  VirtualServerSpec,
  VrrpInstanceSpec,
  VrrpMember,
} from '../../contract/index.js';
import { instance, realServer, type Json } from './builders.js';

/** Asserts which values a schema accepts and which it rejects. */
function accepts(schema: z.ZodType, good: unknown[], bad: unknown[]): void {
  for (const value of good)
    assert.ok(schema.safeParse(value).success, `should accept ${JSON.stringify(value)}`);
  for (const value of bad)
    assert.ok(!schema.safeParse(value).success, `should reject ${JSON.stringify(value)}`);
}

const vrrp = (over: Json) => ({
  ...instance(),
  members: [{ director: 'lb1', priority: 100 }],
  ...over,
});

describe('ranges', () => {
  test('vrid is 1-255 (RFC 9568 §5.2.3)', () => {
    accepts(
      VrrpInstanceSpec,
      [vrrp({ vrid: 1 }), vrrp({ vrid: 255 })],
      [vrrp({ vrid: 0 }), vrrp({ vrid: 256 }), vrrp({ vrid: 1.5 }), vrrp({ vrid: '51' })],
    );
  });

  test('priority is 1-255 (RFC 9568 §5.2.4; 0 is reserved for resigning)', () => {
    const member = (priority: unknown) => ({ director: 'lb1', priority });
    accepts(
      VrrpMember,
      [member(1), member(254), member(255)],
      [member(0), member(256), member(-1), member(99.5)],
    );
  });

  test('advertIntervalCs is 1-25500 cs (v2 reaches 255 s; the v3 12-bit cap is a semantic rule)', () => {
    accepts(
      VrrpInstanceSpec,
      [
        vrrp({ advertIntervalCs: 1 }),
        vrrp({ advertIntervalCs: 4095 }),
        vrrp({ advertIntervalCs: 25500 }),
      ],
      [vrrp({ advertIntervalCs: 0 }), vrrp({ advertIntervalCs: 25501 })],
    );
  });

  test('a v2 password is at most 8 octets (RFC 2338 §5.3.10), counted in UTF-8', () => {
    accepts(
      VrrpInstanceSpec,
      [vrrp({ version: 2, authPassword: '12345678' }), vrrp({ version: 2, authPassword: 'añb' })],
      [
        vrrp({ version: 2, authPassword: '123456789' }),
        vrrp({ version: 2, authPassword: 'ññññð' }),
      ],
    );
  });

  test("interface names are not '.' or '..' and fit IFNAMSIZ in bytes", () => {
    accepts(
      VrrpInstanceSpec,
      [vrrp({ interface: 'eth0.100' }), vrrp({ interface: 'bond0' })],
      [vrrp({ interface: '.' }), vrrp({ interface: '..' }), vrrp({ interface: 'ééééééééé' })],
    );
  });

  test('an instance has 0-256 VIPs (none: notify-only) and 1-16 members', () => {
    const vips = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ address: `192.0.2.${i % 256}` }));
    const members = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ director: `lb${i}`, priority: 100 }));
    accepts(
      VrrpInstanceSpec,
      [vrrp({ vips: vips(256) }), vrrp({ vips: [] }), vrrp({ members: members(16) })],
      [vrrp({ vips: vips(257) }), vrrp({ members: [] }), vrrp({ members: members(17) })],
    );
  });

  test('real server weight is 0-65535', () => {
    accepts(
      RealServerSpec,
      [realServer({ weight: 0 }), realServer({ weight: 65535 })],
      [realServer({ weight: -1 }), realServer({ weight: 65536 }), realServer({ weight: 1.5 })],
    );
  });

  test('tracked check weight is -254..254', () => {
    const track = (weight: number) => ({
      type: 'interface',
      name: 'trk',
      interface: 'eth1',
      weight,
    });
    accepts(TrackedCheck, [track(-254), track(0), track(254)], [track(-255), track(255)]);
  });

  test('ports are 0-65535; a check port is 1-65535', () => {
    accepts(Port, [0, 1, 65535], [-1, 65536, 80.5, '80']);
    accepts(
      HealthCheck,
      [
        { type: 'tcp', port: 1 },
        { type: 'tcp', port: 65535 },
      ],
      [
        { type: 'tcp', port: 0 },
        { type: 'tcp', port: 65536 },
      ],
    );
  });

  test('fwmark is 1-2^32-1', () => {
    const fw = (fwmark: number) => ({ name: 'fw', fwmark, family: 'ipv4' });
    accepts(VirtualServerSpec, [fw(1), fw(2 ** 32 - 1)], [fw(0), fw(2 ** 32)]);
  });

  test('check timing bounds', () => {
    accepts(
      CheckTiming,
      [{ intervalMs: 100, timeoutMs: 10, rise: 1, fall: 100 }],
      [{ intervalMs: 99 }, { timeoutMs: 9 }, { rise: 0 }, { fall: 101 }],
    );
  });
});

describe('names, labels and text fields', () => {
  test('Name: 1-63 of a-z 0-9 . _ -, alphanumeric at both ends', () => {
    accepts(
      Name,
      ['a', '0', 'web-https', 'a.b_c-d', 'x'.repeat(63)],
      ['', 'Web', '-web', 'web-', 'web.', 'x'.repeat(64), 'web https', 'wéb', 'web/1'],
    );
  });

  test('Labels: Kubernetes-like keys and values, at most 64', () => {
    const many = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    accepts(
      Labels,
      [{}, { app: 'web', 'example.com/tier': 'front', Env: 'Prod_1' }, { empty: '' }, many(64)],
      [
        { '-app': 'web' },
        { app: 'we/b' },
        { app: '-web' },
        { app: 'x'.repeat(64) },
        { ['k'.repeat(65)]: 'v' },
        many(65),
      ],
    );
  });

  test('IpAddress: any IPv4 or IPv6 text form, nothing else', () => {
    accepts(
      IpAddress,
      ['192.0.2.1', '2001:db8::1', '2001:DB8:0:0::1', '::ffff:192.0.2.1'],
      ['', '192.0.2.256', '192.0.2.1/32', 'fe80::1%eth0', 'lb1.example.com'],
    );
  });

  test('InterfaceName: 1-15 characters, no /, : or whitespace', () => {
    accepts(
      InterfaceName,
      ['eth0', 'bond0.100', 'enp3s0f1', 'x'.repeat(15)],
      ['', 'x'.repeat(16), 'eth/0', 'eth0:1', 'eth 0'],
    );
  });

  test('AbsolutePath starts with / and has no NUL', () => {
    accepts(
      AbsolutePath,
      ['/', '/usr/local/bin/check.sh'],
      ['', 'check.sh', './check.sh', '/bin/\0x'],
    );
  });
});
