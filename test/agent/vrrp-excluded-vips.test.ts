/**
 * Excluded VIPs (keepalived virtual_ipaddress_excluded: `advertised: false`) on the simulated LAN:
 * the master holds them with the advertised VIPs and they move with them on failover.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { masterDownIntervalMs } from '../../agent/core/vrrp/timing.js';
import { SimFleet, type SimInstance } from '../support/sim/sim-fleet.js';

test('excluded VIPs are held by the master and move with the advertised ones', async () => {
  const spec = (priority: number): SimInstance => ({
    name: 'web',
    vrid: 51,
    version: 2,
    interface: 'eth0',
    advertIntervalCs: 100,
    priority,
    vips: [
      { address: '192.0.2.100', prefixLength: 24 },
      { address: '192.0.2.101', prefixLength: 32, advertised: false },
    ],
  });
  const fleet = new SimFleet();
  const d1 = fleet.add('d1', '192.0.2.11');
  const d2 = fleet.add('d2', '192.0.2.12');
  await d1.run([spec(150)]);
  await d2.run([spec(100)]);
  await fleet.time.advance(10_000);
  assert.equal(d1.state('web'), 'master');
  assert.equal(d2.state('web'), 'backup', "d1's adverts match d2's advertised VIPs");
  assert.ok(d1.kernel.holds('192.0.2.100') && d1.kernel.holds('192.0.2.101'));
  assert.ok(!d2.kernel.holds('192.0.2.101'));

  fleet.kill('d1');
  await fleet.time.advance(masterDownIntervalMs(2, 100, 100) + 1_000);
  assert.equal(d2.state('web'), 'master');
  assert.ok(d2.kernel.holds('192.0.2.100') && d2.kernel.holds('192.0.2.101'));
  await fleet.time.advance(5_000);
  assert.ok(!d1.kernel.holds('192.0.2.101'), 'the lease removed it from the dead master');
});
