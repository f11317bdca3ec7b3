/**
 * Director maintenance with the real VRRP engine on the simulated LAN, kernel and clock
 * (test/support/sim/): the master in maintenance hands over to the best backup after Skew_Time
 * (priority-0 advert) make-before-break (it removes the VIP only once the new master, holding
 * it, has advertised: never a moment with no holder), also to a nopreempt backup and when its
 * first priority-0 advert is lost; with no live backup it keeps the VIP. It never preempts back
 * while in maintenance, keeps its maintenance across an agent restart (the last-known-good
 * document), still takes over when no other router is left, and on resume preempts back where
 * preemption is configured. d1 priority 150, d2 100 (d3 120
 * where a third director is added), VRRPv3 1 s adverts unless a test says otherwise.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DesiredState } from '../../contract/desired-state.js';
import { DirectorVrrpInstance } from '../../contract/vrrp-instance.js';
import { masterDownIntervalMs, skewTimeMs } from '../../agent/core/vrrp/timing.js';
import { handoverBoundMs, isHandingOver } from '../../agent/core/vrrp/maintenance.js';
import { vrrpStatus } from '../../agent/runtime/status-snapshot.js';
import { DirectorAgent } from '../../agent/runtime/director-agent.js';
import { LastKnownGood } from '../../agent/runtime/last-known-good.js';
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

async function fleetOf(
  priorities: Record<string, number>,
  over: Partial<SimInstance> = {},
): Promise<{
  fleet: SimFleet;
  d: Record<string, SimDirector>;
  spec: (name: string) => SimInstance;
}> {
  const fleet = new SimFleet();
  const d: Record<string, SimDirector> = {};
  let host = 11;
  for (const name of Object.keys(priorities)) d[name] = fleet.add(name, `192.0.2.${host++}`);
  const spec = (name: string): SimInstance => ({ ...base, ...over, priority: priorities[name]! });
  for (const name of Object.keys(priorities)) await d[name]!.run([spec(name)]);
  await fleet.time.advance(10_000);
  return { fleet, d, spec };
}

const configOf = (d: SimDirector) => d.engine.instances.get('web')!.plan.machine;

const reasons = (d: SimDirector, from = 0) =>
  d.transitions.slice(from).map((t) => `${t.to}:${t.reason}`);

/** The priority byte of a VRRP advert (RFC 9568 §5.2.4, RFC 3768 §5.3.4). */
const isResignation = (payload: Uint8Array) => payload[2] === 0;

/**
 * Since `at` the VIP went from d1 to d1 and d2 to d2 alone: never without a holder, and both
 * held it from d2's takeover (`takeoverMs` after the hand-over began, at most) until d2's second
 * advert, an Advertisement_Interval (1 s) later, reached d1 (0.2 ms on the simulated LAN).
 */
function assertMakeBeforeBreak(fleet: SimFleet, at: number, takeoverMs: number): void {
  const owners = fleet
    .timeline(VIP, at)
    .filter((w) => w.toMs > w.fromMs)
    .map((w) => w.owners.join('+'));
  assert.deepEqual(owners, ['d1', 'd1+d2', 'd2']);
  assert.deepEqual(fleet.gaps(VIP, at), []);
  const [both, ...more] = fleet.overlaps(VIP, at);
  assert.equal(more.length, 0);
  assert.ok(both && both.fromMs <= at + takeoverMs + 1, JSON.stringify(both));
  assert.ok(both.toMs - both.fromMs <= 1_000 + 1, JSON.stringify(both));
}

describe('director maintenance on the simulated LAN', () => {
  for (const version of [2, 3] as const) {
    test(`v${version}: the master hands over after Skew_Time, make before break, and never preempts back`, async () => {
      const extra = version === 2 ? { version, authPassword: 'pw' } : { version };
      const { fleet, d } = await fleetOf({ d1: 150, d2: 100 }, extra);
      const [d1, d2] = [d['d1']!, d['d2']!];
      assert.equal(d1.state('web'), 'master');
      const at = fleet.time.now;
      const [c1, c2] = [d1.transitions.length, d2.transitions.length];
      d1.engine.setMaintenance(true);
      await fleet.time.advance(60_000);
      assert.deepEqual(reasons(d1, c1), ['backup:maintenance']);
      assert.deepEqual(reasons(d2, c2), ['master:priority-zero']);
      assert.ok(d2.kernel.holds(VIP) && !d1.kernel.holds(VIP));
      assert.equal(d1.engine.instances.get('web')!.runner.state.priority, 1);
      assertMakeBeforeBreak(fleet, at, skewTimeMs(version, 100, 100));
    });
  }

  test('with the backup dead, the master in maintenance keeps the VIP (no gap) and stays master', async () => {
    // A gratuitous ARP refresh every second: none may go out while handing over.
    const { fleet, d } = await fleetOf({ d1: 150, d2: 100 }, { garp: { masterRefreshS: 1 } });
    const d1 = d['d1']!;
    fleet.kill('d2');
    const at = fleet.time.now;
    const c1 = d1.transitions.length;
    d1.engine.setMaintenance(true);
    const handingOver = () => d1.engine.instances.get('web')!.runner.state;
    await fleet.time.advance(1_000);
    assert.ok(isHandingOver(handingOver()));
    const reported = () => vrrpStatus(d1.engine, () => '')[0]!;
    assert.deepEqual([reported().state, reported().handingOver], ['master', true]);
    assert.deepEqual(reported().vipsOwned, [VIP]);
    await fleet.time.advance(60_000);
    assert.equal(d1.state('web'), 'master');
    assert.ok(!isHandingOver(handingOver()));
    assert.equal(reported().handingOver, undefined);
    assert.equal(handingOver().priority, 1);
    assert.deepEqual(reasons(d1, c1), []);
    assert.ok(d1.kernel.holds(VIP));
    assert.deepEqual(fleet.gaps(VIP, at), []);
    // The priority-0 adverts stopped at the bound; priority-1 ones follow.
    const sent = fleet.lan.sent.filter((p) => p.host === 'd1' && p.atMs >= at);
    const zeros = sent.filter((p) => isResignation(p.payload));
    assert.ok(zeros.length >= 4 && zeros.length <= 6, String(zeros.length));
    assert.ok(zeros.every((p) => p.atMs <= at + handoverBoundMs(configOf(d1))));
    assert.ok(!isResignation(sent.at(-1)!.payload));
    // No gratuitous ARP while handing over; kept, it announces again.
    const keptAt = zeros.at(-1)!.atMs;
    assert.ok(d1.announced.some((t) => t > keptAt));
    assert.deepEqual(
      d1.announced.filter((t) => t >= at && t <= keptAt),
      [],
    );
  });

  test('a nopreempt backup takes over too (the priority-0 advert), make before break', async () => {
    const { fleet, d } = await fleetOf({ d1: 150, d2: 100 }, { preempt: false });
    const at = fleet.time.now;
    d['d1']!.engine.setMaintenance(true);
    await fleet.time.advance(30_000);
    assert.equal(d['d2']!.state('web'), 'master');
    assert.equal(d['d1']!.state('web'), 'backup');
    assertMakeBeforeBreak(fleet, at, skewTimeMs(3, 100, 100));
  });

  test('a lost priority-0 advert: the next one, an interval later, hands over; no gap', async () => {
    const { fleet, d } = await fleetOf({ d1: 150, d2: 100 });
    fleet.lan.loseNext('d1', isResignation);
    const at = fleet.time.now;
    const c2 = d['d2']!.transitions.length;
    d['d1']!.engine.setMaintenance(true);
    await fleet.time.advance(30_000);
    assert.deepEqual(reasons(d['d2']!, c2), ['master:priority-zero']);
    assert.equal(d['d1']!.state('web'), 'backup');
    assertMakeBeforeBreak(fleet, at, 1_000 + skewTimeMs(3, 100, 100));
    const [both] = fleet.overlaps(VIP, at);
    assert.ok(both!.fromMs >= at + 1_000, 'not before the second priority-0 advert');
  });

  test('the best backup takes over: d3 (120) before d2 (100)', async () => {
    const { fleet, d } = await fleetOf({ d1: 150, d2: 100, d3: 120 });
    const c3 = d['d3']!.transitions.length;
    d['d1']!.engine.setMaintenance(true);
    await fleet.time.advance(30_000);
    assert.equal(d['d3']!.state('web'), 'master');
    assert.equal(d['d2']!.state('web'), 'backup');
    assert.deepEqual(reasons(d['d3']!, c3), ['master:priority-zero']);
  });

  test('resume: d1 preempts back once (preempt on); no second gap beyond the preemption', async () => {
    const { fleet, d } = await fleetOf({ d1: 150, d2: 100 });
    const [d1, d2] = [d['d1']!, d['d2']!];
    d1.engine.setMaintenance(true);
    await fleet.time.advance(30_000);
    const [c1, c2] = [d1.transitions.length, d2.transitions.length];
    d1.engine.setMaintenance(false);
    await fleet.time.advance(30_000);
    assert.deepEqual(reasons(d1, c1), ['master:preempt']);
    assert.deepEqual(reasons(d2, c2), ['backup:higher-priority']);
    assert.equal(d1.engine.instances.get('web')!.runner.state.priority, 150);
  });

  test('resume with preempt off: d1 stays backup, d2 keeps the VIP', async () => {
    const { fleet, d } = await fleetOf({ d1: 150, d2: 100 }, { preempt: false });
    const [d1, d2] = [d['d1']!, d['d2']!];
    d1.engine.setMaintenance(true);
    await fleet.time.advance(30_000);
    const c1 = d1.transitions.length;
    d1.engine.setMaintenance(false);
    await fleet.time.advance(60_000);
    assert.deepEqual(reasons(d1, c1), []);
    assert.ok(d2.kernel.holds(VIP));
  });

  test('availability beats maintenance: the other director killed, d1 takes over after Master_Down_Interval', async () => {
    const { fleet, d } = await fleetOf({ d1: 150, d2: 100 });
    const d1 = d['d1']!;
    d1.engine.setMaintenance(true);
    await fleet.time.advance(30_000);
    const c1 = d1.transitions.length;
    fleet.kill('d2');
    await fleet.time.advance(masterDownIntervalMs(3, 1, 100) + 2_000);
    assert.deepEqual(reasons(d1, c1), ['master:master-down-timer']);
    assert.ok(d1.kernel.holds(VIP));
  });

  test('an agent restarted in maintenance (last-known-good document) stays backup: no preemption', async () => {
    const { fleet, d, spec } = await fleetOf({ d1: 150, d2: 100 });
    const stateDir = mkdtempSync(join(tmpdir(), 'fleetlb-maint-lkg-'));
    const document = DesiredState.parse({
      apiVersion: 'fleetlb/v1',
      kind: 'DirectorConfig',
      site: 'sim',
      director: { name: 'd1', address: '192.0.2.11', maintenance: true },
      revision: 7,
      vrrpInstances: [DirectorVrrpInstance.parse(spec('d1'))],
      virtualServers: [],
    });
    const first = new DirectorAgent(d['d1']!.engine, undefined, new LastKnownGood(stateDir));
    await first.apply(document);
    await fleet.time.advance(30_000);
    assert.equal(d['d2']!.state('web'), 'master');
    // SIGTERM, then a new agent process on d1 that starts from the saved document.
    await d['d1']!.engine.stop();
    const d1 = fleet.add('d1', '192.0.2.11');
    const saved = await new LastKnownGood(stateDir).load();
    assert.ok(saved?.ok, 'the last-known-good document loads');
    assert.equal(saved.document.director.maintenance, true);
    const c2 = d['d2']!.transitions.length;
    await new DirectorAgent(d1.engine, undefined, undefined).apply(saved.document);
    await fleet.time.advance(60_000);
    assert.equal(d1.state('web'), 'backup');
    assert.equal(d1.engine.instances.get('web')!.runner.state.priority, 1);
    assert.deepEqual(reasons(d['d2']!, c2), []);
    assert.ok(d['d2']!.kernel.holds(VIP));
  });
});
