/** Addresses that can never work where they are written, by role; and only what a write changes. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addressIssues, addressRefusal, type AddressRole } from '../../contract/index.js';

const ROLES: AddressRole[] = ['director', 'vip', 'virtual-server', 'real-server', 'sorry-server'];

/** address → the text the refusal must contain, for every role. */
const NEVER: [string, RegExp][] = [
  ['224.0.0.18', /multicast/],
  ['239.255.255.250', /multicast/],
  ['255.255.255.255', /broadcast/],
  ['0.0.0.0', /0\.0\.0\.0\/8/],
  ['0.1.2.3', /0\.0\.0\.0\/8/],
  ['127.0.0.1', /loopback/],
  ['127.255.0.9', /loopback/],
  ['169.254.0.1', /link-local/],
  ['::', /unspecified/],
  ['0:0:0:0:0:0:0:0', /unspecified/],
  ['::1', /loopback/],
  ['ff02::12', /multicast/],
  ['FF05::1:3', /multicast/],
];

const ORDINARY = [
  '192.0.2.10',
  '10.0.0.1',
  '223.255.255.254',
  '169.253.255.255',
  '169.255.0.1',
  '1.0.0.0',
  '2001:db8::1',
  'fd00::1',
  '::2',
  'fec0::1',
  'fe00::1',
];

describe('addresses that can never work', () => {
  for (const [address, why] of NEVER)
    test(`${address} is refused in every role`, () => {
      for (const role of ROLES) {
        const refusal = addressRefusal(address, role);
        assert.ok(refusal, `${address} as ${role}`);
        assert.match(refusal, why);
        assert.ok(refusal.startsWith(address), 'the message names the address');
      }
    });

  test('ordinary unicast addresses are accepted in every role', () => {
    for (const address of ORDINARY)
      for (const role of ROLES) assert.equal(addressRefusal(address, role), undefined, address);
  });

  test('IPv6 link-local: a director and a VIP may be one (VRRPv3), IPVS services and destinations not', () => {
    const table: [AddressRole, boolean][] = [
      ['director', true],
      ['vip', true],
      ['virtual-server', false],
      ['real-server', false],
      ['sorry-server', false],
    ];
    for (const address of ['fe80::1', 'febf:ffff::1', 'FE80::a:b'])
      for (const [role, allowed] of table)
        assert.equal(addressRefusal(address, role) === undefined, allowed, `${address} as ${role}`);
    assert.match(addressRefusal('fe80::1', 'real-server') ?? '', /ip_vs_new_dest/);
  });

  test('not an address at all is left to the schema', () => {
    assert.equal(addressRefusal('nope', 'vip'), undefined);
  });
});

describe('addressIssues', () => {
  test('points at each field of each kind', () => {
    assert.deepEqual(
      addressIssues('vrrp-instance', {
        vips: [{ address: '192.0.2.1' }, { address: '224.0.0.18' }, { address: 'fe80::1' }],
      }).map((i) => i.path),
      [['vips', 1, 'address']],
    );
    assert.deepEqual(
      addressIssues('virtual-server', {
        address: '127.0.0.1',
        sorryServer: { address: 'fe80::9', port: 80 },
      }).map((i) => i.path),
      [['address'], ['sorryServer', 'address']],
    );
    assert.deepEqual(addressIssues('virtual-server', { fwmark: 1 }), []);
    assert.deepEqual(
      addressIssues('director', { address: '0.0.0.0' }).map((i) => i.path),
      [['address']],
    );
    assert.deepEqual(
      addressIssues('real-server', { address: '::1' }).map((i) => i.path),
      [['address']],
    );
  });

  test('an address the object already had is not held against an unrelated change', () => {
    const before = { address: '127.0.0.1', weight: 1 };
    assert.deepEqual(addressIssues('real-server', { ...before, weight: 0 }, before), []);
    assert.equal(addressIssues('real-server', { address: '127.0.0.2' }, before).length, 1);
  });
});
