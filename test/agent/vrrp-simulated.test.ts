/**
 * The real VRRP engine (agent/vrrp/engine.ts) on a simulated LAN, kernel and clock
 * (test/support/sim/): failover scenarios and in-place edits, deterministic and in milliseconds
 * of real time. Two directors d1 (priority 150) and d2 (priority 100), VRRPv3 with 1 s adverts
 * unless a test says otherwise; the VIP's holders are read from the simulated kernels' log.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { masterDownIntervalMs, skewTimeMs } from '../../agent/core/vrrp/timing.js';
import { SimFleet, type SimDirector, type SimInstance } from '../support/sim/sim-fleet.js';

const VIP = '192.0.2.100';
const base: SimInstance = {
  name: 'web',
  vrid: 51,
  version: 3,
  interface: 'eth0',
  advertIntervalCs: 100,
  priority: 150,
  vips: [{ address: VIP, prefixLength: 24 }],
};

async function pair(over: Partial<SimInstance> = {}): Promise<{
  fleet: SimFleet;
  d1: SimDirector;
  d2: SimDirector;
  spec: (d: SimDirector) => SimInstance;
}> {
  const fleet = new SimFleet();
  const d1 = fleet.add('d1', '192.0.2.11');
  const d2 = fleet.add('d2', '192.0.2.12');
  const specs = new Map([
    [d1, { ...base, ...over, priority: 150 }],
    [d2, { ...base, ...over, priority: 100 }],
  ]);
  await d1.run([specs.get(d1)!]);
  await d2.run([specs.get(d2)!]);
  await fleet.time.advance(10_000);
  assert.equal(d1.state('web'), 'master');
  assert.equal(d2.state('web'), 'backup');
  return { fleet, d1, d2, spec: (d) => specs.get(d)! };
}

const reasons = (d: SimDirector, from = 0) =>
  d.transitions.slice(from).map((t) => `${t.to}:${t.reason}`);

describe('failover on the simulated LAN', () => {
  test('election: d1 master with the VIP, d2 backup; never two holders', async () => {
    const { fleet, d1, d2 } = await pair();
    assert.ok(d1.kernel.holds(VIP));
    assert.ok(!d2.kernel.holds(VIP));
    assert.deepEqual(fleet.overlaps(VIP, 0), []);
  });

  test('stop (SIGTERM): d2 takes over after Skew_Time on the priority-0 advert', async () => {
    const { fleet, d1, d2 } = await pair();
    const at = fleet.time.now;
    const seen = d2.transitions.length;
    await d1.engine.stop();
    await fleet.time.advance(2_000);
    assert.deepEqual(reasons(d2, seen), ['master:priority-zero']);
    const [gap] = fleet.gaps(VIP, at);
    assert.ok(gap && gap.toMs - gap.fromMs <= skewTimeMs(3, 100, 100) + 1, JSON.stringify(gap));
    assert.deepEqual(fleet.overlaps(VIP, at), []);
  });

  test('kill -9: d2 takes over on its Master_Down_Timer; the lease removes the VIP from d1', async () => {
    const { fleet, d1, d2 } = await pair();
    const seen = d2.transitions.length;
    fleet.kill('d1');
    await fleet.time.advance(masterDownIntervalMs(3, 100, 100) + 1_000);
    assert.deepEqual(reasons(d2, seen), ['master:master-down-timer']);
    await fleet.time.advance(5_000);
    assert.ok(!d1.kernel.holds(VIP), 'the lease ran out');
    assert.ok(d2.kernel.holds(VIP));
  });

  test('link down on the master: FAULT, d2 takes over; link up: d1 preempts back', async () => {
    const { fleet, d1, d2 } = await pair();
    d1.engine.linkChanged({ name: 'eth0', up: false });
    await fleet.time.advance(5_000);
    assert.equal(d1.state('web'), 'fault');
    assert.equal(d2.state('web'), 'master');
    d1.engine.linkChanged({ name: 'eth0', up: true });
    await fleet.time.advance(10_000);
    assert.equal(d1.state('web'), 'master');
    assert.equal(d2.state('web'), 'backup');
  });
});

describe('in-place edits on the simulated LAN: no gap, no overlap, no transition', () => {
  const edits: Array<[string, (s: SimInstance, d: 'd1' | 'd2') => SimInstance]> = [
    ['priority of the master', (s, d) => (d === 'd1' ? { ...s, priority: 200 } : s)],
    [
      'a VIP added',
      (s) => ({ ...s, vips: [...s.vips!, { address: '192.0.2.101', prefixLength: 24 }] }),
    ],
    ['the prefix length', (s) => ({ ...s, vips: [{ address: VIP, prefixLength: 32 }] })],
    ['the interval 1 s → 0.1 s', (s) => ({ ...s, advertIntervalCs: 10 })],
    ['the interval 1 s → 4 s', (s) => ({ ...s, advertIntervalCs: 400 })],
    ['preempt off', (s) => ({ ...s, preempt: false })],
    ["the backup's priority", (s, d) => (d === 'd2' ? { ...s, priority: 110 } : s)],
    ['notify hooks', (s) => ({ ...s, notify: { master: '/bin/true', backup: '/bin/true' } })],
    ['gratuitous ARP settings', (s) => ({ ...s, garp: { masterDelayS: 2, masterRepeat: 2 } })],
  ];
  for (const version of [2, 3] as const) {
    for (const [what, edit] of edits) {
      for (const skewMs of [0, 50, 1_500]) {
        if (version === 2 && what.includes('0.1 s')) continue; // v2 intervals are whole seconds
        test(`v${version}: ${what}, applied ${skewMs} ms apart`, async () => {
          const extra = version === 2 ? { version, authPassword: 'pw' } : { version };
          const { fleet, d1, d2, spec } = await pair(extra);
          const from = fleet.time.now;
          const counts = [d1.transitions.length, d2.transitions.length];
          await d1.run([edit(spec(d1), 'd1')]);
          await fleet.time.advance(skewMs);
          await d2.run([edit(spec(d2), 'd2')]);
          await fleet.time.advance(30_000);
          assert.deepEqual(fleet.gaps(VIP, from), []);
          assert.deepEqual(fleet.overlaps(VIP, from), []);
          assert.deepEqual([d1.transitions.length, d2.transitions.length], counts);
        });
      }
    }
  }

  test('the backup raised above the master preempts once (RFC 9568 §6.4.2)', async () => {
    const { fleet, d1, d2, spec } = await pair();
    const [c1, c2] = [d1.transitions.length, d2.transitions.length];
    await d2.run([{ ...spec(d2), priority: 200 }]);
    await fleet.time.advance(10_000);
    assert.deepEqual(reasons(d2, c2), ['master:preempt']);
    assert.deepEqual(reasons(d1, c1), ['backup:higher-priority']);
  });

  test('an identity change (VRID) re-elects once on each director', async () => {
    const { fleet, d1, d2, spec } = await pair();
    const from = fleet.time.now;
    const [c1, c2] = [d1.transitions.length, d2.transitions.length];
    await d1.run([{ ...spec(d1), vrid: 61 }]);
    await d2.run([{ ...spec(d2), vrid: 61 }]);
    await fleet.time.advance(10_000);
    assert.deepEqual(reasons(d1, c1), [
      'initialize:shutdown',
      'backup:startup',
      'master:master-down-timer',
    ]);
    assert.deepEqual(reasons(d2, c2), ['initialize:shutdown', 'backup:startup']);
    const [gap, ...more] = fleet.gaps(VIP, from);
    assert.equal(more.length, 0);
    assert.ok(gap);
    assert.equal(gap.toMs - gap.fromMs, masterDownIntervalMs(3, 150, 100), 'one election');
  });
});

describe('hooks of the first transitions', () => {
  test('notify hooks run for the startup transition too (the instance is registered first)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetlb-sim-notify-'));
    const log = join(dir, 'notify.log');
    const script = join(dir, 'any.sh');
    writeFileSync(script, `#!/bin/sh\necho "$*" >> ${log}\n`);
    chmodSync(script, 0o755);
    const fleet = new SimFleet();
    const d1 = fleet.add('d1', '192.0.2.11');
    await d1.run([{ ...base, notify: { any: script } }]);
    await fleet.time.advance(10_000);
    const logged = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
    for (let waited = 0; !/BACKUP/.test(logged()) || !/MASTER/.test(logged()); waited += 20) {
      if (waited > 20_000) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.match(logged(), /^INSTANCE web BACKUP 150$/m);
    assert.match(logged(), /^INSTANCE web MASTER 150$/m);
  });
});

describe('election logic moved from the netns tier (three directors, preempt modes)', () => {
  async function three(): Promise<{ fleet: SimFleet; d: SimDirector[] }> {
    const fleet = new SimFleet();
    const d = [
      fleet.add('d1', '192.0.2.11'),
      fleet.add('d2', '192.0.2.12'),
      fleet.add('d3', '192.0.2.13'),
    ];
    await d[0]!.run([{ ...base, priority: 150 }]);
    await d[1]!.run([{ ...base, priority: 100 }]);
    await d[2]!.run([{ ...base, priority: 50 }]);
    await fleet.time.advance(10_000);
    return { fleet, d };
  }

  test('three directors elect the highest priority; only it holds the VIP, stably', async () => {
    const { fleet, d } = await three();
    const at = fleet.time.now;
    await fleet.time.advance(10_000);
    assert.deepEqual(
      d.map((x) => x.state('web')),
      ['master', 'backup', 'backup'],
    );
    assert.deepEqual(
      d.map((x) => x.kernel.holds(VIP)),
      [true, false, false],
    );
    assert.deepEqual(fleet.gaps(VIP, at), []);
    assert.deepEqual(fleet.overlaps(VIP, at), []);
  });

  test('the master resigns: the next priority takes over after its Skew_Time, the third stays backup', async () => {
    const { fleet, d } = await three();
    const seen = d.map((x) => x.transitions.length);
    await d[0]!.engine.stop();
    await fleet.time.advance(5_000);
    assert.deepEqual(reasons(d[1]!, seen[1]), ['master:priority-zero']);
    assert.deepEqual(reasons(d[2]!, seen[2]), [], 'd3 hears d2 before its longer Skew_Time');
  });

  test('kill -9 of agent and guard: the next priority takes over on its Master_Down_Timer', async () => {
    const { fleet, d } = await three();
    const seen = d.map((x) => x.transitions.length);
    fleet.kill('d1');
    await fleet.time.advance(masterDownIntervalMs(3, 100, 100) + 1_000);
    assert.deepEqual(reasons(d[1]!, seen[1]), ['master:master-down-timer']);
    assert.deepEqual(reasons(d[2]!, seen[2]), []);
  });

  test('nopreempt: a higher-priority director that starts later stays backup', async () => {
    const fleet = new SimFleet();
    const d1 = fleet.add('d1', '192.0.2.11');
    const d2 = fleet.add('d2', '192.0.2.12');
    await d2.run([{ ...base, priority: 100 }]);
    await fleet.time.advance(10_000);
    await d1.run([{ ...base, priority: 150, preempt: false }]);
    await fleet.time.advance(30_000);
    assert.equal(d1.state('web'), 'backup');
    assert.equal(d2.state('web'), 'master');
    assert.ok(d2.kernel.holds(VIP) && !d1.kernel.holds(VIP));
  });

  test('preempt delay: a higher-priority director takes over only after the delay', async () => {
    const fleet = new SimFleet();
    const d1 = fleet.add('d1', '192.0.2.11');
    const d2 = fleet.add('d2', '192.0.2.12');
    await d2.run([{ ...base, priority: 100 }]);
    await fleet.time.advance(10_000);
    await d1.run([{ ...base, priority: 150, preemptDelayS: 20 }]);
    await fleet.time.advance(15_000);
    assert.equal(d1.state('web'), 'backup', 'not before the 20 s delay');
    await fleet.time.advance(10_000);
    assert.equal(d1.state('web'), 'master');
    assert.equal(d2.state('web'), 'backup');
    assert.ok(d1.kernel.holds(VIP) && !d2.kernel.holds(VIP));
  });
});
