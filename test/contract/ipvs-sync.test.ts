/**
 * contract/ipvs-sync.ts: a VRRP instance's IPVS connection sync settings are strict and in the
 * kernel's ranges (sync id 0-255, TTL 1-255, a multicast group, a max length the kernel takes
 * as is), and at most one instance per director enables sync (one master and one backup sync
 * daemon per network namespace), in both the site and the director's document.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IpvsSync, VrrpInstanceSpec } from '../../contract/index.js';
import { assertIssues, instance, VALIDATORS } from './builders.js';

describe('IpvsSync schema', () => {
  test('accepts the keepalived options', () => {
    const parsed = IpvsSync.parse({
      interface: 'eth1',
      syncId: 0,
      maxLengthBytes: 1400,
      group: '239.0.0.7',
      port: 8848,
      ttl: 255,
    });
    assert.equal(parsed.syncId, 0);
    assert.equal(
      IpvsSync.parse({ interface: 'eth1', group: 'ff02::1:ff00:1' }).group,
      'ff02::1:ff00:1',
    );
  });

  for (const [field, value] of [
    ['syncId', 256],
    ['syncId', -1],
    ['ttl', 0],
    ['ttl', 256],
    ['port', 0],
    ['maxLengthBytes', 100],
    ['maxLengthBytes', 65500],
    ['group', '192.0.2.1'],
    ['group', '2001:db8::1'],
    ['interface', 'eth0/1'],
    ['interface', 'sixteen-bytes-ab'],
  ] as const)
    test(`refuses ${field} ${JSON.stringify(value)}`, () => {
      const result = IpvsSync.safeParse({ interface: 'eth1', [field]: value });
      assert.equal(result.success, false);
      assert.deepEqual(result.error?.issues[0]?.path, [field]);
    });

  test('unknown fields are refused, on the instance too', () => {
    assert.equal(IpvsSync.safeParse({ interface: 'eth1', syncid: 3 }).success, false);
    const spec = VrrpInstanceSpec.safeParse({
      ...instance({ ipvsSync: { interface: 'eth1', mcastTtl: 2 } }),
      members: [{ director: 'lb1', priority: 100 }],
    });
    assert.equal(spec.success, false);
  });
});

for (const { name, run } of VALIDATORS)
  describe(`${name}: IPVS sync`, () => {
    test('one instance with sync is fine', () => {
      assertIssues(run({ instances: [instance({ ipvsSync: { interface: 'eth1' } })] }), []);
    });

    test('a second instance of the same director with sync is refused at its path', () => {
      const issues = run({
        instances: [
          instance({ ipvsSync: { interface: 'eth1' } }),
          instance({
            name: 'vi-api',
            vrid: 52,
            vips: [{ address: '192.0.2.11' }],
            ipvsSync: { interface: 'eth1', syncId: 2 },
          }),
        ],
      });
      assert.deepEqual(issues[0]?.path, ['vrrpInstances', 1, 'ipvsSync']);
      assert.match(issues[0]!.message, /already follows instance vi-web/);
    });
  });
