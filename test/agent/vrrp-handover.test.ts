/**
 * agent/core/vrrp/maintenance.ts: the make-before-break hand-over of a master that enters
 * maintenance, in the pure reducer. It keeps its VIPs and sends a priority-0 advert every
 * Advertisement_Interval until another router advertises, then waits silently for that router's
 * next advert (its VIPs are in place by then) to go Backup (reason `maintenance`); past the
 * bound, or with the new master silent, it stays master at priority 1 (availability beats
 * maintenance). A
 * resume cancels it, a fault or a stop resigns at once, an edit re-sends priority 0 with the new
 * settings, a sync-group peer going Backup takes it along. Events are fed one by one; no clock.
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
import { handoverBoundMs, isHandingOver } from '../../agent/core/vrrp/maintenance.js';
import { masterDownIntervalMs, skewTimeMs } from '../../agent/core/vrrp/timing.js';

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

const advert = (
  now: number,
  priority: number,
  intervalCs = 100,
  source = '10.0.0.9',
): VrrpEvent => ({
  type: 'advert',
  now,
  advert: { vrid: 51, priority, advertIntervalCs: intervalCs, source, addresses: [] },
});
const maintenance = (now: number, on: boolean, priority = on ? 1 : 150): VrrpEvent => ({
  type: 'maintenance',
  now,
  on,
  priority,
  fault: false,
});
const timer = (now: number): VrrpEvent => ({ type: 'timer', now });

function run(cfg: VrrpMachineConfig, events: readonly VrrpEvent[], from?: StepResult): StepResult {
  let result: StepResult = from ?? { state: initialState(cfg), effects: [] };
  for (const e of events) result = step(result.state, e, cfg);
  return result;
}

/** A master at 150 (a lone router's Master_Down_Timer ran out) that entered maintenance at 20 s. */
function handingOver(cfg = config()): StepResult {
  const r = run(cfg, [{ type: 'startup', now: 0 }, timer(10_000), maintenance(20_000, true)]);
  assert.ok(isHandingOver(r.state));
  return r;
}

const adverts = (r: StepResult) =>
  r.effects.flatMap((e) => (e.type === 'sendAdvert' ? [e.priority] : []));
const removesVips = (r: StepResult) => r.effects.some((e) => e.type === 'becomeBackup');

describe('maintenance hand-over, make before break (reducer)', () => {
  test('a priority-0 advert every Advertisement_Interval, VIPs kept, until the new master advertises twice', () => {
    const cfg = config();
    let r = handingOver(cfg);
    for (const t of [21_000, 22_000, 23_000]) {
      assert.deepEqual(step(r.state, timer(t - 1), cfg).effects, [], 'nothing before the timer');
      r = step(r.state, timer(t), cfg);
      assert.deepEqual(adverts(r), [0], `at ${t}`);
      assert.ok(!removesVips(r) && isHandingOver(r.state));
    }
    // Its first advert: the VIPs may not be in place on it yet. Silence, VIPs kept.
    r = step(r.state, advert(23_300, 100), cfg);
    assert.ok(isHandingOver(r.state) && r.state.yieldingTo === '10.0.0.9');
    assert.deepEqual(r.effects, []);
    r = step(r.state, timer(24_000), cfg);
    assert.deepEqual(r.effects, [], 'no more priority-0 adverts once a new master advertised');
    // Its next advert: released.
    r = step(r.state, advert(24_300, 100), cfg);
    assert.equal(r.state.name, 'backup');
    assert.deepEqual(r.effects, [
      { type: 'becomeBackup' },
      { type: 'transition', from: 'master', to: 'backup', reason: 'maintenance' },
    ]);
  });

  test('the new master falls silent (or resigns) before its second advert: it keeps the VIPs', () => {
    const cfg = config();
    const yielding = step(handingOver(cfg).state, advert(20_300, 100), cfg);
    const silentAt = 20_300 + masterDownIntervalMs(3, 1, 100);
    assert.deepEqual(step(yielding.state, timer(silentAt - 1), cfg).effects, []);
    const r = step(yielding.state, timer(silentAt), cfg);
    assert.equal(r.state.name, 'master');
    assert.ok(!isHandingOver(r.state));
    assert.deepEqual(r.effects, [
      { type: 'sendAdvert', priority: 1 },
      { type: 'handover', phase: 'kept' },
    ]);
    const resigned = step(yielding.state, advert(20_800, 0), cfg);
    assert.ok(resigned.state.name === 'master' && !isHandingOver(resigned.state));
    assert.deepEqual(adverts(resigned), [1]);
  });

  test('an advert from yet another router restarts the wait on that one', () => {
    const cfg = config();
    let r = step(handingOver(cfg).state, advert(20_300, 100), cfg);
    r = step(r.state, advert(20_301, 120, 100, '10.0.0.10'), cfg);
    assert.ok(isHandingOver(r.state) && r.state.yieldingTo === '10.0.0.10');
    r = step(r.state, advert(21_300, 120, 100, '10.0.0.10'), cfg);
    assert.equal(r.state.name, 'backup');
  });

  test('the new master may be of any priority, even 1 (another director in maintenance); v3 learns its interval', () => {
    const cfg = config();
    const yielding = step(handingOver(cfg).state, advert(20_100, 1, 200), cfg);
    const r = step(yielding.state, advert(22_100, 1, 200), cfg);
    assert.equal(r.state.name, 'backup');
    assert.equal(r.state.masterAdverIntervalCs, 200);
    assert.ok(r.state.name === 'backup');
    assert.equal(r.state.masterDownAt, 22_100 + masterDownIntervalMs(3, 1, 200));
  });

  test('nobody takes over within the bound: it stays master at priority 1 and advertises normally', () => {
    const cfg = config();
    let r = handingOver(cfg);
    const until = 20_000 + handoverBoundMs(cfg);
    assert.equal(handoverBoundMs(cfg), masterDownIntervalMs(3, 1, 100) + 1_000);
    const sent: number[] = [...adverts(r)];
    let t = 20_000;
    while (isHandingOver(r.state)) {
      t += 1_000;
      r = step(r.state, timer(t), cfg);
      sent.push(...adverts(r));
      assert.ok(!removesVips(r));
    }
    assert.ok(t >= until && t - 1_000 < until, `kept at ${t}, bound ${until}`);
    assert.deepEqual(sent, [0, 0, 0, 0, 0, 1]);
    assert.deepEqual(r.effects.at(-1), { type: 'handover', phase: 'kept' });
    assert.equal(r.state.name, 'master');
    // From then on an ordinary master at priority 1: a backup of higher priority that comes
    // back preempts it (RFC 9568 §6.4.3), and it yields.
    r = step(r.state, timer(t + 1_000), cfg);
    assert.deepEqual(adverts(r), [1]);
    r = step(r.state, advert(t + 1_500, 100), cfg);
    assert.equal(r.state.name, 'backup');
    assert.ok(r.effects.some((e) => e.type === 'transition' && e.reason === 'higher-priority'));
  });

  test('a nopreempt backup takes over after Skew_Time on the priority-0 advert (RFC 9568 §6.4.2)', () => {
    const cfg = config({ preempt: false, priority: 100, primaryAddress: '10.0.0.7' });
    let b = run(cfg, [{ type: 'startup', now: 0 }, advert(500, 1)]);
    assert.equal(b.state.name, 'backup');
    // Under a priority-1 master a nopreempt backup stays backup…
    b = run(cfg, [advert(1_500, 1), timer(2_000)], b);
    assert.equal(b.state.name, 'backup');
    // …but the priority-0 advert sets its Master_Down_Timer to Skew_Time.
    b = step(b.state, advert(2_500, 0), cfg);
    const at = 2_500 + skewTimeMs(3, 100, 100);
    assert.equal(step(b.state, timer(at - 1), cfg).state.name, 'backup');
    const r = step(b.state, timer(at), cfg);
    assert.equal(r.state.name, 'master');
    assert.ok(r.effects.some((e) => e.type === 'transition' && e.reason === 'priority-zero'));
  });

  test('resume while handing over: an advert at the normal priority at once, master again', () => {
    const cfg = config();
    const r = step(handingOver(cfg).state, maintenance(20_500, false), cfg);
    assert.equal(r.state.name, 'master');
    assert.ok(!isHandingOver(r.state));
    assert.equal(r.state.priority, 150);
    assert.deepEqual(r.effects, [
      { type: 'sendAdvert', priority: 150 },
      { type: 'handover', phase: 'cancelled' },
    ]);
    assert.deepEqual(adverts(step(r.state, timer(21_500), cfg)), [150]);
  });

  test('maintenance entered again while handing over changes nothing', () => {
    const cfg = config();
    const before = handingOver(cfg);
    const r = step(before.state, maintenance(20_500, true), cfg);
    assert.deepEqual(r, { state: before.state, effects: [] });
  });

  test('a fault while handing over resigns at once: priority 0, VIPs removed, FAULT', () => {
    const cfg = config();
    const r = step(
      handingOver(cfg).state,
      { type: 'priority', now: 20_500, priority: 1, fault: true },
      cfg,
    );
    assert.equal(r.state.name, 'fault');
    assert.deepEqual(r.effects, [
      { type: 'sendAdvert', priority: 0 },
      { type: 'becomeBackup' },
      { type: 'transition', from: 'master', to: 'fault', reason: 'fault' },
    ]);
    const down = step(handingOver(cfg).state, { type: 'interface', now: 20_500, up: false }, cfg);
    assert.equal(down.state.name, 'fault');
  });

  test('a priority change that does not fault keeps the hand-over going', () => {
    const cfg = config();
    const r = step(
      handingOver(cfg).state,
      { type: 'priority', now: 20_500, priority: 1, fault: false },
      cfg,
    );
    assert.ok(isHandingOver(r.state));
    assert.deepEqual(r.effects, []);
  });

  test('an in-place edit while handing over sends priority 0 with the new settings, bound extended', () => {
    const cfg = config();
    const start = handingOver(cfg);
    const edited = config({ advertIntervalCs: 300 });
    const r = step(
      start.state,
      { type: 'reconfigure', now: 20_500, priority: 1, fault: false },
      edited,
    );
    assert.ok(isHandingOver(r.state));
    assert.deepEqual(adverts(r), [0]);
    assert.equal(r.state.nextAdvertAt, 20_500 + 3_000);
    assert.equal(r.state.handingOverUntil, 20_500 + handoverBoundMs(edited));
    // A shorter interval keeps the bound already running.
    const shorter = config({ advertIntervalCs: 50 });
    const s = step(
      start.state,
      { type: 'reconfigure', now: 20_500, priority: 1, fault: false },
      shorter,
    );
    assert.ok(isHandingOver(s.state) && isHandingOver(start.state));
    assert.equal(s.state.handingOverUntil, start.state.handingOverUntil);
    // Once the new master advertised, an edit sends nothing: it waits for its next advert.
    const yielding = step(start.state, advert(20_600, 100), cfg);
    const quiet = step(
      yielding.state,
      { type: 'reconfigure', now: 20_700, priority: 1, fault: false },
      edited,
    );
    assert.deepEqual(quiet, { state: yielding.state, effects: [] });
  });

  test('a priority-0 advert from another router while handing over is answered with priority 0', () => {
    const cfg = config();
    const r = step(handingOver(cfg).state, advert(20_500, 0), cfg);
    assert.ok(isHandingOver(r.state) && r.state.yieldingTo === undefined);
    assert.deepEqual(r.effects, [{ type: 'sendAdvert', priority: 0 }]);
  });

  test('a sync-group peer going Backup, or a stop, takes the VIPs away at once', () => {
    const cfg = config();
    const sync = step(handingOver(cfg).state, { type: 'sync', now: 20_500, to: 'backup' }, cfg);
    assert.equal(sync.state.name, 'backup');
    assert.ok(removesVips(sync));
    const stop = step(handingOver(cfg).state, { type: 'shutdown', now: 20_500 }, cfg);
    assert.equal(stop.state.name, 'initialize');
    assert.deepEqual(adverts(stop), [0]);
    assert.ok(removesVips(stop));
  });

  test('v2: the bound counts the v2 Skew_Time', () => {
    const cfg = config({ version: 2 });
    assert.equal(handoverBoundMs(cfg), masterDownIntervalMs(2, 1, 100) + 1_000);
    assert.ok(isHandingOver(handingOver(cfg).state));
  });
});
