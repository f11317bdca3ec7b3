/**
 * agent/core/vrrp/reconfigure.ts: an in-place edit of a running instance keeps its state and
 * timers (RFC 9568 §6.4.2/§6.4.3), with fake time; then a two-router simulation in which every
 * non-identity edit leaves exactly one master at every instant.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  initialState,
  nextWakeup,
  step,
  type StepResult,
  type VrrpEffect,
  type VrrpEvent,
  type VrrpMachineConfig,
  type VrrpState,
} from '../../agent/core/vrrp/machine.js';
import { masterDownIntervalMs } from '../../agent/core/vrrp/timing.js';

const config = (over: Partial<VrrpMachineConfig> = {}): VrrpMachineConfig => ({
  vrid: 51,
  version: 3,
  advertIntervalCs: 100,
  preempt: true,
  preemptDelayS: 0,
  priority: 100,
  primaryAddress: '192.0.2.11',
  ...over,
});

function run(cfg: VrrpMachineConfig, events: readonly VrrpEvent[]): StepResult {
  let result: StepResult = { state: initialState(cfg), effects: [] };
  for (const e of events) result = step(result.state, e, cfg);
  return result;
}
const reconfigure = (now: number, priority: number, fault = false): VrrpEvent => ({
  type: 'reconfigure',
  now,
  priority,
  fault,
});
const kinds = (effects: readonly VrrpEffect[]) => effects.map((e) => e.type);

describe('reconfigure: a master that stays master', () => {
  const cfg = config({ priority: 150 });
  const down = masterDownIntervalMs(3, 150, 100);
  const master = run(cfg, [
    { type: 'startup', now: 0 },
    { type: 'timer', now: down },
  ]).state;

  test('a priority change: still master, one advert now with the new priority, no VIP effect', () => {
    const next = config({ priority: 160 });
    const { state, effects } = step(master, reconfigure(down + 400, 160), next);
    assert.equal(state.name, 'master');
    assert.equal(state.priority, 160);
    assert.deepEqual(effects, [{ type: 'sendAdvert', priority: 160 }]);
    assert.equal(nextWakeup(state), down + 400 + 1000);
  });

  test('a shorter interval: the Adver_Timer restarts at the new interval', () => {
    const next = config({ priority: 150, advertIntervalCs: 20 });
    const { state } = step(master, reconfigure(down + 400, 150), next);
    assert.equal(nextWakeup(state), down + 400 + 200);
    assert.equal(state.masterAdverIntervalCs, 20);
  });

  test('a failing weight-0 check: the master resigns to FAULT (keepalived vrrp_track.c)', () => {
    const { state, effects } = step(master, reconfigure(down + 400, 150, true), cfg);
    assert.equal(state.name, 'fault');
    assert.deepEqual(kinds(effects), ['sendAdvert', 'becomeBackup', 'transition']);
  });
});

describe('reconfigure: a backup keeps its Master_Down_Timer', () => {
  const cfg = config({ priority: 100 });
  const backup = run(cfg, [{ type: 'startup', now: 0 }]).state as Extract<
    VrrpState,
    { name: 'backup' }
  >;

  test('v3: priority and interval edits change no timer and emit nothing', () => {
    const next = config({ priority: 140, advertIntervalCs: 50 });
    const { state, effects } = step(backup, reconfigure(100, 140), next);
    assert.equal(state.name, 'backup');
    assert.equal(nextWakeup(state), backup.masterDownAt);
    assert.deepEqual(effects, []);
  });

  test('v2: a longer interval extends the timer to a full new interval from now', () => {
    const v2 = config({ version: 2 });
    const b2 = run(v2, [{ type: 'startup', now: 0 }]).state;
    const next = config({ version: 2, advertIntervalCs: 300 });
    const { state } = step(b2, reconfigure(500, 100), next);
    assert.equal(nextWakeup(state), 500 + masterDownIntervalMs(2, 100, 300));
  });

  test('v2: a shorter interval never shortens the running timer', () => {
    const v2 = config({ version: 2, advertIntervalCs: 300 });
    const b2 = run(v2, [{ type: 'startup', now: 0 }]).state;
    const next = config({ version: 2, advertIntervalCs: 100 });
    const { state } = step(b2, reconfigure(500, 100), next);
    assert.equal(nextWakeup(state), nextWakeup(b2));
  });
});

/**
 * Two routers exchanging adverts through a function call; `edit` reconfigures both at given
 * instants (each director applies the edit at its own time). Returns the number of masters
 * at each instant after the first election.
 */
function simulate(
  configs: [VrrpMachineConfig, VrrpMachineConfig],
  edits: ReadonlyArray<{ at: number; router: 0 | 1; cfg: VrrpMachineConfig }>,
  untilMs: number,
): { mastersOverTime: number[]; transitions: number } {
  const cfgs = [...configs];
  const states: VrrpState[] = cfgs.map((c) => initialState(c));
  let transitions = 0;
  const pending: Array<{
    at: number;
    to: number;
    priority: number;
    intervalCs: number;
    source: string;
  }> = [];
  const apply = (i: number, e: VrrpEvent): void => {
    const { state, effects } = step(states[i]!, e, cfgs[i]!);
    states[i] = state;
    for (const effect of effects) {
      if (effect.type === 'transition') transitions += 1;
      if (effect.type === 'sendAdvert') {
        pending.push({
          at: e.now + 1,
          to: 1 - i,
          priority: effect.priority,
          intervalCs: cfgs[i]!.advertIntervalCs,
          source: cfgs[i]!.primaryAddress,
        });
      }
    }
  };
  apply(0, { type: 'startup', now: 0 });
  apply(1, { type: 'startup', now: 0 });
  const mastersOverTime: number[] = [];
  const todo = [...edits];
  for (let now = 1; now <= untilMs; now += 1) {
    for (const edit of todo.filter((x) => x.at === now)) {
      cfgs[edit.router] = edit.cfg;
      apply(edit.router, reconfigure(now, edit.cfg.priority));
    }
    for (const p of pending.filter((x) => x.at === now)) {
      apply(p.to, {
        type: 'advert',
        now,
        advert: {
          vrid: 51,
          priority: p.priority,
          advertIntervalCs: p.intervalCs,
          source: p.source,
          addresses: [],
        },
      });
    }
    pending.splice(0, pending.length, ...pending.filter((x) => x.at > now));
    for (let i = 0; i < 2; i++) {
      const due = nextWakeup(states[i]!);
      if (due !== undefined && due <= now) apply(i, { type: 'timer', now });
    }
    if (now > 5_000) mastersOverTime.push(states.filter((s) => s.name === 'master').length);
  }
  return { mastersOverTime, transitions };
}

describe('simulation: edits applied moments apart on a pair never leave 0 or 2 masters', () => {
  const a = config({ priority: 150, primaryAddress: '192.0.2.11' });
  const b = config({ priority: 100, primaryAddress: '192.0.2.12' });
  const cases: Array<[string, (c: VrrpMachineConfig) => VrrpMachineConfig]> = [
    ['priorities change, order kept', (c) => ({ ...c, priority: c.priority + 10 })],
    ['interval 1 s → 3 s', (c) => ({ ...c, advertIntervalCs: 300 })],
    ['interval 1 s → 0.2 s', (c) => ({ ...c, advertIntervalCs: 20 })],
    ['preempt off', (c) => ({ ...c, preempt: false })],
    ['preempt delay 30 s', (c) => ({ ...c, preemptDelayS: 30 })],
  ];
  for (const version of [2, 3] as const) {
    for (const [what, edit] of cases) {
      for (const skewMs of [0, 40, 700]) {
        test(`v${version}, ${what}, applied ${skewMs} ms apart`, () => {
          const pair: [VrrpMachineConfig, VrrpMachineConfig] = [
            { ...a, version },
            { ...b, version },
          ];
          const editAt = 8_000;
          const { mastersOverTime, transitions } = simulate(
            pair,
            [
              { at: editAt, router: 0, cfg: edit(pair[0]) },
              { at: editAt + skewMs, router: 1, cfg: edit(pair[1]) },
            ],
            30_000,
          );
          assert.ok(
            mastersOverTime.every((n) => n === 1),
            'exactly one master at every instant',
          );
          assert.equal(transitions, 3, 'startup ×2 and the first election only');
        });
      }
    }
  }

  test('the backup raised above the master preempts once (RFC 9568 §6.4.2)', () => {
    const { mastersOverTime, transitions } = simulate(
      [a, b],
      [{ at: 8_000, router: 1, cfg: { ...b, priority: 200 } }],
      30_000,
    );
    assert.equal(mastersOverTime.at(-1), 1);
    assert.equal(transitions, 5, 'b → master (preempt), a → backup (higher priority)');
  });
});
