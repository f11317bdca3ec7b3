/**
 * @module Guest side of test/vm/ipvs-client.test.ts: the IPVS reconcile loop against Debian's
 * kernel through the real client: it converges, repairs what ipvsadm changed behind its back on
 * the next resync, leaves another tool's service alone, and removes its own when undesired.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetlinkIpvsClient } from '../../../agent/linux/ipvs/netlink-ipvs-client.js';
import { IpvsReconciler, type RoundReport } from '../../../agent/runtime/ipvs-reconciler.js';
import type { DesiredService } from '../../../agent/core/ipvs/model.js';
import { guestPrerequisite } from '../../support/vm/guest-tier.js';

const skip = guestPrerequisite('test/vm/ipvs-client.test.ts');

const run = (...argv: string[]): string =>
  execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 30_000 });

const web: DesiredService = {
  ...{ family: 'ipv4', protocol: 'tcp', address: '192.0.2.30', port: 80, scheduler: 'wrr' },
  ...{ schedulerFlags: [], persistenceTimeoutS: 0, persistenceNetmaskBits: 32, onePacket: false },
  destinations: ['198.51.100.31', '198.51.100.32'].map((address) => ({
    ...{ address, port: 8080, forwarding: 'nat' as const, weight: 5 },
    ...{ upperThreshold: 0, lowerThreshold: 0 },
  })),
};

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(check(), `timed out: ${what}`);
}

describe('IPVS reconcile loop in a real kernel', { skip }, () => {
  let client: NetlinkIpvsClient;
  let reconciler: IpvsReconciler;
  const rounds: RoundReport[] = [];
  const errors: Error[] = [];
  const stateDir = skip ? '' : mkdtempSync(join(tmpdir(), 'fleetlb-state-'));

  before(async () => {
    run('modprobe', 'ip_vs');
    run('ipvsadm', '-C');
    client = await NetlinkIpvsClient.open();
    reconciler = new IpvsReconciler(
      client,
      { stateDir, minIntervalMs: 50, resyncIntervalMs: 300 },
      { onRound: (r) => rounds.push(r), onError: (e) => errors.push(e) },
    );
    await reconciler.start();
  });
  after(async () => {
    await reconciler?.stop();
    client?.close();
    run('ipvsadm', '-C');
  });

  test('converges to the desired table', async () => {
    reconciler.setDesired({ services: [web] });
    await until(() => rounds.length >= 1, 'a round');
    assert.deepEqual(rounds[0]!.outcome.failed, []);
    assert.match(run('ipvsadm', '-Sn'), /-a -t 192\.0\.2\.30:80 -r 198\.51\.100\.32:8080 -m -w 5/);
  });

  test('repairs a destination deleted and a weight changed with ipvsadm', async () => {
    run('ipvsadm', '-d', '-t', '192.0.2.30:80', '-r', '198.51.100.31:8080');
    run('ipvsadm', '-e', '-t', '192.0.2.30:80', '-r', '198.51.100.32:8080', '-m', '-w', '1');
    run('ipvsadm', '-A', '-t', '203.0.113.5:25', '-s', 'rr');
    await until(() => /198\.51\.100\.31:8080 -m -w 5/.test(run('ipvsadm', '-Sn')), 'repair');
    const saved = run('ipvsadm', '-Sn');
    assert.match(saved, /-r 198\.51\.100\.32:8080 -m -w 5/);
    assert.match(saved, /-A -t 203\.0\.113\.5:25 -s rr/);
    assert.deepEqual(errors, []);
  });

  test('removes its own service when it is no longer desired, and only that', async () => {
    reconciler.setDesired({ services: [] });
    await until(() => !run('ipvsadm', '-Sn').includes('192.0.2.30'), 'removal');
    assert.equal(run('ipvsadm', '-Sn'), '-A -t 203.0.113.5:25 -s rr\n');
  });
});
