/**
 * In-place edits with keepalived as the peer: fleetlb is MASTER on d1 (priority 150), keepalived
 * 2.x BACKUP on d2 (priority 100), VRRPv2 with PASS auth and 1 s adverts (keepalived's default
 * protocol). fleetlb's instance is edited (SIGHUP of `--desired`); for a VIP change keepalived
 * is reloaded too (SIGHUP), a moment later, as an operator would. keepalived must never see a
 * gap: it stays BACKUP, and the VIP always has exactly one holder in the two kernels.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { masterDownIntervalMs } from '../../agent/core/vrrp/timing.js';
import {
  startKeepalived,
  type KeepalivedInstance,
  type LabKeepalived,
} from '../support/keepalived-lab.js';
import { labPrerequisite, NetnsLab } from '../support/netns-lab.js';
import { VipSampler } from '../support/vip-sampler.js';
import { desiredDocument, LabAgent, type LabInstance } from '../support/vrrp-lab.js';

const skip = labPrerequisite(['keepalived']);
const AGENT_BIN = new URL('../../agent/bin/fleetlb-agent.js', import.meta.url).pathname;
const START_MS = 60_000; // a bound for agent start-up under load, not a measurement
const VIP = '192.0.2.100';
/** keepalived's Master_Down_Interval at priority 100, plus a second. */
const HOLD_MS = masterDownIntervalMs(2, 100, 100) + 1000;

describe('VRRP edits in place, keepalived as the peer (netns)', { skip }, () => {
  let lab: NetnsLab;
  let sampler: VipSampler;
  let agent: LabAgent;
  let keepalived: LabKeepalived;
  let revision = 1;
  const dir = mkdtempSync(join(tmpdir(), 'fleetlb-edits-ka-'));
  const path = join(dir, 'd1.json');
  let ours: LabInstance = {
    name: 'vi_1',
    vrid: 51,
    version: 2,
    interface: 'eth0',
    advertIntervalCs: 100,
    authPassword: 'fleet-lb',
    priority: 150,
    vips: [{ address: VIP, prefixLength: 24 }],
  };
  let theirs: KeepalivedInstance = {
    name: 'vi_1',
    vrid: 51,
    version: 2,
    interface: 'eth0',
    advertIntervalCs: 100,
    priority: 100,
    authPassword: 'fleet-lb',
    vips: [`${VIP}/24`],
  };
  const write = () =>
    writeFileSync(
      path,
      JSON.stringify({ ...desiredDocument('d1', '192.0.2.11', [ours]), revision }),
    );

  async function editOurs(next: LabInstance): Promise<void> {
    ours = next;
    revision += 1;
    write();
    agent.process.kill('SIGHUP');
    const wanted = revision;
    await agent.waitFor(
      (l) => l.msg === 'reloaded' && l.revision === wanted,
      START_MS,
      `revision ${wanted}`,
    );
  }

  before(async () => {
    lab = await NetnsLab.start();
    lab.addHost('d1', { addresses: ['192.0.2.11/24'] });
    lab.addHost('d2', { addresses: ['192.0.2.12/24'] });
    sampler = await VipSampler.start(lab, ['d1', 'd2']);
    write();
    const stateDir = mkdtempSync(join(dir, 'state-'));
    agent = new LabAgent(
      'd1',
      lab.spawn([process.execPath, AGENT_BIN, '--desired', path, '--state-dir', stateDir], 'd1'),
    );
    await agent.waitForState('vi_1', 'master', START_MS);
    keepalived = startKeepalived(lab, 'd2', [theirs]);
    await keepalived.waitForState('vi_1', 'BACKUP', START_MS);
    await delay(HOLD_MS);
  });
  after(async () => {
    sampler?.stop();
    agent?.process.kill('SIGTERM');
    await keepalived?.stop();
    await lab?.stop();
  });

  const cases: Array<[string, () => Promise<void>]> = [
    ['our priority 150 → 170', () => editOurs({ ...ours, priority: 170 })],
    [
      'a tracked script and notify hooks added to ours',
      () =>
        editOurs({
          ...ours,
          trackedChecks: [
            { type: 'script', name: 'ok', path: '/bin/true', intervalMs: 500, weight: 10 },
          ],
          notify: { master: '/bin/true' },
        }),
    ],
    [
      'our preempt delay and GARP settings',
      () => editOurs({ ...ours, preemptDelayS: 20, garp: { masterRepeat: 2 } }),
    ],
    [
      'a second VIP on both, keepalived reloaded 0.3 s after us',
      async () => {
        await editOurs({
          ...ours,
          vips: [...ours.vips, { address: '192.0.2.101', prefixLength: 24 }],
        });
        await delay(300);
        theirs = { ...theirs, vips: [...theirs.vips, '192.0.2.101/24'] };
        keepalived.reload([theirs]);
      },
    ],
  ];

  for (const [what, edit] of cases) {
    test(`${what}: keepalived stays BACKUP, the VIP always has one holder`, async () => {
      const from = Date.now();
      const seen = keepalived.events.length;
      await edit();
      await delay(HOLD_MS);
      const to = Date.now();
      const keepalivedStates = keepalived.events.slice(seen).map((e) => e.state);
      assert.ok(!keepalivedStates.includes('MASTER'), `keepalived: ${keepalivedStates.join()}`);
      assert.equal(agent.state('vi_1'), 'master');
      assert.deepEqual(sampler.gaps(VIP, from, to), []);
      assert.deepEqual(sampler.overlaps(VIP, from, to), []);
    });
  }
});
