/**
 * A notify-only VRRP instance (no VIPs, as keepalived runs one: vrrp.c vrrp_complete_instance()
 * "No VIP specified; at least one is sensible") on the simulated LAN: it elects, fails over and
 * runs its notify hooks, owning no address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { masterDownIntervalMs } from '../../agent/core/vrrp/timing.js';
import { SimFleet, type SimInstance } from '../support/sim/sim-fleet.js';

test('an instance without VIPs elects, fails over and runs its notify scripts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlb-sim-notify-only-'));
  const log = join(dir, 'notify.log');
  const script = join(dir, 'move-eni.sh');
  writeFileSync(script, `#!/bin/sh\necho "$*" >> ${log}\n`);
  chmodSync(script, 0o755);
  const spec = (priority: number, director: string): SimInstance => ({
    name: 'eni',
    vrid: 52,
    version: 2,
    interface: 'eth0',
    advertIntervalCs: 100,
    priority,
    vips: [],
    notify: { master: script, args: { master: [director, 'attach'] } },
  });
  const fleet = new SimFleet();
  const d1 = fleet.add('d1', '192.0.2.11');
  const d2 = fleet.add('d2', '192.0.2.12');
  await d1.run([spec(150, 'd1')]);
  await d2.run([spec(100, 'd2')]);
  await fleet.time.advance(10_000);
  assert.equal(d1.state('eni'), 'master');
  assert.equal(d2.state('eni'), 'backup');

  fleet.kill('d1');
  await fleet.time.advance(masterDownIntervalMs(2, 100, 100) + 1_000);
  assert.equal(d2.state('eni'), 'master');
  const logged = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
  for (let waited = 0; !/d2 attach/.test(logged()) && waited <= 20_000; waited += 20)
    await new Promise((resolve) => setTimeout(resolve, 20));
  assert.match(logged(), /d1 attach$/m, 'the first master ran its hook');
  assert.match(logged(), /d2 attach$/m, 'the new master ran its hook');
});
