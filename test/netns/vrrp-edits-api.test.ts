/**
 * In-place edits through the API: a control plane (PGlite) and two agents in a network lab
 * (test/support/fleet-lab.ts), the VIP followed in both kernels (`ip monitor address`). Each
 * edit is a `fleetlb apply` of the site's manifest with one thing changed; both agents receive it
 * by long-poll and apply it. For every edit that keeps the instance's identity: no instant
 * without a holder, none with two, no transition. An identity change is announced by the apply
 * (it names the directors that re-elect) and re-elects once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { masterDownIntervalMs } from '../../agent/core/vrrp/timing.js';
import { FleetLab } from '../support/fleet-lab.js';
import { labPrerequisite, NetnsLab } from '../support/netns-lab.js';
import { VipSampler } from '../support/vip-sampler.js';
import type { LabAgent } from '../support/vrrp-lab.js';

const skip = labPrerequisite();
const SITE = 'lab';
const VIP = '192.0.2.100';
const START_MS = 120_000;
const APPLY_MS = 60_000;
const ADDRESSES: Record<string, string> = { d1: '192.0.2.11', d2: '192.0.2.12' };

interface Settings {
  vrid: number;
  d1Priority: number;
  vips: string;
  advertIntervalCs: number;
  preempt: boolean;
}

function manifest(s: Settings): string {
  const director = (name: string) =>
    `---\napiVersion: fleetlb/v1\nkind: Director\nmetadata: { name: ${name}, site: ${SITE} }\nspec: { address: ${ADDRESSES[name]} }\n`;
  return `apiVersion: fleetlb/v1
kind: Site
metadata: { name: ${SITE} }
spec: {}
${director('d1')}${director('d2')}---
apiVersion: fleetlb/v1
kind: VrrpInstance
metadata: { name: web, site: ${SITE} }
spec:
  vrid: ${s.vrid}
  interface: eth0
  advertIntervalCs: ${s.advertIntervalCs}
  preempt: ${s.preempt}
  vips: ${s.vips}
  members: [{ director: d1, priority: ${s.d1Priority} }, { director: d2, priority: 100 }]
`;
}

describe('VRRP edits through the API apply in place (netns)', { skip }, () => {
  let lab: NetnsLab;
  let fleet: FleetLab;
  let sampler: VipSampler;
  const agents = new Map<string, LabAgent>();
  let settings: Settings = {
    vrid: 51,
    d1Priority: 150,
    vips: `[{ address: ${VIP}, prefixLength: 24 }]`,
    advertIntervalCs: 100,
    preempt: true,
  };
  const applied = () =>
    [...agents.values()].map((a) => a.lines.filter((l) => l.msg === 'document applied').length);
  const transitions = () => [...agents.values()].map((a) => a.transitions().length);
  const holdMs = () => masterDownIntervalMs(3, 100, settings.advertIntervalCs) + 1500;

  /** `fleetlb apply` of the manifest with `change`; resolves once both agents applied it. */
  async function apply(change: Partial<Settings>): Promise<string> {
    settings = { ...settings, ...change };
    const before = applied();
    const out = await fleet.cli(['apply', '-f', '-'], manifest(settings));
    assert.equal(out.code, 0, out.stderr + out.stdout);
    const deadline = Date.now() + APPLY_MS;
    while (applied().some((n, i) => n <= before[i]!)) {
      if (Date.now() > deadline) throw new Error('the agents did not apply the change');
      await delay(50);
    }
    return out.stdout + out.stderr;
  }

  before(async () => {
    lab = await NetnsLab.start();
    lab.addHost('cp', { addresses: ['192.0.2.5/24'] });
    for (const [name, address] of Object.entries(ADDRESSES))
      lab.addHost(name, { addresses: [`${address}/24`] });
    sampler = await VipSampler.start(lab, ['d1', 'd2']);
    fleet = await FleetLab.start(lab, 'cp', '192.0.2.5');
    await fleet.cliOk(['apply', '-f', '-'], manifest(settings));
    for (const name of Object.keys(ADDRESSES)) agents.set(name, await fleet.startAgent(SITE, name));
    await agents.get('d1')!.waitForState('web', 'master', START_MS);
    await agents.get('d2')!.waitForState('web', 'backup', START_MS);
    await delay(holdMs());
  });
  after(async () => {
    sampler?.stop();
    await lab?.stop();
  });

  const edits: Array<[string, Partial<Settings>]> = [
    ["the master's priority 150 → 170", { d1Priority: 170 }],
    [
      'a second VIP added',
      {
        vips: `[{ address: ${VIP}, prefixLength: 24 }, { address: 192.0.2.101, prefixLength: 24 }]`,
      },
    ],
    ['the advert interval 1 s → 0.5 s', { advertIntervalCs: 50 }],
    ['preempt off', { preempt: false }],
    // On again before the identity change below: with nopreempt its re-election would go to
    // whichever director re-creates its instance first (on a loaded machine d2 may apply the
    // change seconds before d1, become master, and d1 would rightly not preempt it: keepalived's
    // nopreempt, vrrp.c vrrp_state_backup()), so d1 being elected would depend on timing.
    ['preempt on again', { preempt: true }],
  ];
  for (const [what, change] of edits) {
    test(`${what}: no gap, no overlap, no transition`, async () => {
      const before = transitions();
      const from = Date.now();
      await apply(change);
      await delay(holdMs());
      const to = Date.now();
      assert.deepEqual(sampler.gaps(VIP, from, to), []);
      assert.deepEqual(sampler.overlaps(VIP, from, to), []);
      assert.deepEqual(transitions(), before);
    });
  }

  test('an identity change is announced by the apply and re-elects once', async () => {
    const d1 = agents.get('d1')!;
    const before = d1.transitions().length;
    const from = Date.now();
    const out = await apply({ vrid: 61 });
    assert.match(out, /VRRP instance web re-elects on d1: vrid changed/);
    assert.match(out, /VRRP instance web re-elects on d2: vrid changed/);
    await d1.waitForState('web', 'master', START_MS, from);
    assert.deepEqual(
      d1
        .transitions()
        .slice(before)
        .map((t) => t.to),
      ['initialize', 'backup', 'master'],
    );
  });
});
