/**
 * agent/core/vrrp/maintenance.ts: director maintenance as a pure input of the VRRP reducer.
 * A master hands over make-before-break (priority-0 adverts, VIPs kept until another router
 * advertises, bounded), then stays a backup at priority 1 that accepts every master (§6.4.2) and
 * never preempts; with no other router alive it still takes over after Master_Down_Interval
 * (availability beats maintenance); resume restores the normal priority and preemption. The
 * hand-over phase under resume, faults, edits, sync groups and shutdown: vrrp-handover.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  initialState,
  step,
  type StepResult,
  type VrrpEvent,
  type VrrpMachineConfig,
} from '../../agent/core/vrrp/machine.js';
import {
  MAINTENANCE_PRIORITY,
  handoverBoundMs,
  isHandingOver,
  withMaintenance,
} from '../../agent/core/vrrp/maintenance.js';
import { masterDownIntervalMs } from '../../agent/core/vrrp/timing.js';

const config = (over: Partial<VrrpMachineConfig> = {}): VrrpMachineConfig => ({
  vrid: 51,
  version: 3,
  advertIntervalCs: 100,
  preempt: true,
  preemptDelayS: 0,
  priority: 150,
  primaryAddress: '10.0.0.5',
  ...over,
});

const advert = (now: number, priority: number): VrrpEvent => ({
  type: 'advert',
  now,
  advert: { vrid: 51, priority, advertIntervalCs: 100, source: '10.0.0.9', addresses: [] },
});
const maintenance = (now: number, on: boolean, priority = on ? 1 : 150): VrrpEvent => ({
  type: 'maintenance',
  now,
  on,
  priority,
  fault: false,
});

function run(cfg: VrrpMachineConfig, events: readonly VrrpEvent[]): StepResult {
  let result: StepResult = { state: initialState(cfg), effects: [] };
  for (const e of events) result = step(result.state, e, cfg);
  return result;
}

/** A master at priority 150 (the Master_Down_Timer of a lone router ran out). */
const AS_MASTER: readonly VrrpEvent[] = [
  { type: 'startup', now: 0 },
  { type: 'timer', now: 10_000 },
];

/** The master entered maintenance at 20 s and handed over (the new master advertised twice). */
const HANDED_OVER: readonly VrrpEvent[] = [
  ...AS_MASTER,
  maintenance(20_000, true),
  advert(20_200, 100),
  advert(20_300, 100),
];

describe('director maintenance in the reducer', () => {
  test('withMaintenance: priority 1 whatever the base (owner 255 included); a fault stays', () => {
    assert.deepEqual(withMaintenance({ priority: 200, fault: false }, true), {
      priority: MAINTENANCE_PRIORITY,
      fault: false,
    });
    assert.deepEqual(withMaintenance({ priority: 255, fault: true }, true), {
      priority: 1,
      fault: true,
    });
    assert.deepEqual(withMaintenance({ priority: 200, fault: false }, false), {
      priority: 200,
      fault: false,
    });
  });

  test('a master hands over: priority-0 advert, VIPs kept, then backup at priority 1 at the new master’s second advert', () => {
    const cfg = config();
    const master = run(cfg, AS_MASTER);
    assert.equal(master.state.name, 'master');
    const r = step(master.state, maintenance(20_000, true), cfg);
    assert.equal(r.state.name, 'master');
    assert.equal(r.state.priority, 1);
    assert.deepEqual(r.effects, [
      { type: 'sendAdvert', priority: 0 },
      { type: 'handover', phase: 'started' },
    ]);
    assert.ok(isHandingOver(r.state));
    assert.equal(r.state.handingOverUntil, 20_000 + handoverBoundMs(cfg));
    const first = step(r.state, advert(20_400, 100), cfg);
    assert.ok(isHandingOver(first.state));
    assert.deepEqual(first.effects, []);
    const done = step(first.state, advert(21_400, 100), cfg);
    assert.equal(done.state.name, 'backup');
    assert.deepEqual(done.effects, [
      { type: 'becomeBackup' },
      { type: 'transition', from: 'master', to: 'backup', reason: 'maintenance' },
    ]);
    assert.ok(done.state.name === 'backup');
    assert.equal(done.state.masterDownAt, 21_400 + masterDownIntervalMs(3, 1, 100));
  });

  test('a backup only lowers its priority: no advert, no transition', () => {
    const cfg = config();
    const backup = run(cfg, [{ type: 'startup', now: 0 }, advert(500, 200)]);
    const r = step(backup.state, maintenance(1_000, true), cfg);
    assert.equal(r.state.name, 'backup');
    assert.equal(r.state.priority, 1);
    assert.deepEqual(r.effects, []);
  });

  test('in maintenance it accepts every master, even of priority 1, and never preempts', () => {
    const cfg = config();
    let r = run(cfg, HANDED_OVER);
    for (let t = 20_500, i = 0; i < 30; t += 1_000, i++) {
      r = step(r.state, advert(t, i % 2 === 0 ? 1 : 100), cfg);
      assert.equal(r.state.name, 'backup');
      assert.ok(r.state.name === 'backup' && r.state.masterDownCause === 'silence');
      r = step(r.state, { type: 'timer', now: t + 999 }, cfg);
      assert.equal(r.state.name, 'backup', `at ${t}`);
    }
  });

  test('availability beats maintenance: with no master left it takes over after Master_Down_Interval', () => {
    const cfg = config();
    const r0 = run(cfg, [
      ...AS_MASTER,
      maintenance(20_000, true),
      advert(20_400, 100),
      advert(21_400, 100),
    ]);
    const downMs = masterDownIntervalMs(3, 1, 100);
    const early = step(r0.state, { type: 'timer', now: 21_400 + downMs - 1 }, cfg);
    assert.equal(early.state.name, 'backup');
    const r = step(early.state, { type: 'timer', now: 21_400 + downMs }, cfg);
    assert.equal(r.state.name, 'master');
    assert.deepEqual(r.effects[0], { type: 'sendAdvert', priority: 1 });
  });

  test('resume: the normal priority; with preempt it takes over from a lower master (RFC 9568 §6.4.2)', () => {
    const cfg = config();
    let r = run(cfg, [
      ...AS_MASTER,
      maintenance(20_000, true),
      advert(20_500, 100),
      advert(21_500, 100),
    ]);
    r = step(r.state, maintenance(30_000, false), cfg);
    assert.equal(r.state.name, 'backup');
    assert.equal(r.state.priority, 150);
    assert.deepEqual(r.effects, []);
    r = step(r.state, advert(30_500, 100), cfg); // discarded: preempt
    assert.ok(r.state.name === 'backup' && r.state.masterDownCause === 'preempt');
    r = step(r.state, { type: 'timer', now: r.state.masterDownAt }, cfg);
    assert.equal(r.state.name, 'master');
    assert.ok(r.effects.some((e) => e.type === 'transition' && e.reason === 'preempt'));
  });

  test('resume without preempt: it stays backup under a lower-priority master', () => {
    const cfg = config({ preempt: false });
    let r = run(cfg, [...HANDED_OVER, advert(20_500, 100)]);
    r = step(r.state, maintenance(30_000, false), cfg);
    for (let t = 30_500; t < 40_000; t += 1_000) {
      r = step(r.state, advert(t, 100), cfg);
      r = step(r.state, { type: 'timer', now: t + 999 }, cfg);
      assert.equal(r.state.name, 'backup');
    }
  });

  test('the address owner (255) hands over too, and does not take over at start-up in maintenance', () => {
    const cfg = config({ priority: 255 });
    const owner = run(cfg, [{ type: 'startup', now: 0 }]);
    assert.equal(owner.state.name, 'master');
    const r = step(owner.state, maintenance(1_000, true), cfg);
    assert.ok(isHandingOver(r.state));
    assert.deepEqual(r.effects[0], { type: 'sendAdvert', priority: 0 });
    const yielding = step(r.state, advert(1_300, 100), cfg);
    assert.equal(step(yielding.state, advert(2_300, 100), cfg).state.name, 'backup');
    // An agent restarted in maintenance: its effective priority is 1 before the Startup event.
    const restarted = run(cfg, [
      { type: 'priority', now: 0, priority: 1, fault: false },
      { type: 'startup', now: 0 },
    ]);
    assert.equal(restarted.state.name, 'backup');
  });

  test('a failing weight-0 check still faults in maintenance; recovery comes back as backup', () => {
    const cfg = config();
    let r = run(cfg, [...AS_MASTER, maintenance(20_000, true)]);
    r = step(r.state, { type: 'priority', now: 21_000, priority: 1, fault: true }, cfg);
    assert.equal(r.state.name, 'fault');
    r = step(r.state, { type: 'priority', now: 22_000, priority: 1, fault: false }, cfg);
    assert.equal(r.state.name, 'backup');
  });

  test('a faulted director entering maintenance stays in FAULT, nothing sent', () => {
    const cfg = config();
    let r = run(cfg, [{ type: 'startup', now: 0 }]);
    r = step(r.state, { type: 'interface', now: 100, up: false }, cfg);
    r = step(r.state, maintenance(200, true), cfg);
    assert.equal(r.state.name, 'fault');
    assert.deepEqual(r.effects, []);
  });
});
