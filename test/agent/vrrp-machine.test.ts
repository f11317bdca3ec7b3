/**
 * agent/core/vrrp/machine.ts and friends: the pure VRRP reducer with fake time (plain numbers).
 * One table row or test per rule, each naming its source (RFC 9568 / RFC 3768 section or the
 * keepalived behaviour, from keepalived/vrrp/vrrp.c, vrrp_track.c, vrrp_scheduler.c and
 * keepalived/include/vrrp.h), then a three-router simulation exchanging adverts through a
 * function.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  initialState,
  nextWakeup,
  step,
  TRANSITION_REASONS,
  type ReceivedAdvert,
  type StepResult,
  type TransitionReason,
  type VrrpEffect,
  type VrrpEvent,
  type VrrpMachineConfig,
  type VrrpState,
} from '../../agent/core/vrrp/machine.js';
import { compareAddresses } from '../../agent/core/vrrp/machine-common.js';
import {
  masterDownIntervalCs,
  masterDownIntervalMs,
  skewTimeCs,
  skewTimeMs,
} from '../../agent/core/vrrp/timing.js';
import { effectivePriority } from '../../agent/core/vrrp/tracking.js';
import {
  syncGroupMayBecomeMaster,
  syncGroupTransitions,
} from '../../agent/core/vrrp/sync-group.js';

const LOCAL = '10.0.0.5';
const config = (over: Partial<VrrpMachineConfig> = {}): VrrpMachineConfig => ({
  vrid: 51,
  version: 3,
  advertIntervalCs: 100,
  preempt: true,
  preemptDelayS: 0,
  priority: 100,
  primaryAddress: LOCAL,
  ...over,
});

const advert = (now: number, priority: number, over: Partial<ReceivedAdvert> = {}): VrrpEvent => ({
  type: 'advert',
  now,
  advert: {
    vrid: 51,
    priority,
    advertIntervalCs: 100,
    source: '10.0.0.9',
    addresses: ['192.0.2.1'],
    ...over,
  },
});

/** Feed events in order from the initial state; returns the last step's result. */
function run(cfg: VrrpMachineConfig, events: readonly VrrpEvent[]): StepResult {
  let result: StepResult = { state: initialState(cfg), effects: [] };
  for (const e of events) result = step(result.state, e, cfg);
  return result;
}

const transitionOf = (effects: readonly VrrpEffect[]) =>
  effects.find((e) => e.type === 'transition');
const sent = (effects: readonly VrrpEffect[]) =>
  effects.flatMap((e) => (e.type === 'sendAdvert' ? [e.priority] : []));
const mdi = (priority: number, intervalCs = 100) => masterDownIntervalMs(3, priority, intervalCs);

describe('timing.ts (RFC 9568 §6.1, RFC 3768 §6.1; keepalived vrrp.h VRRP_TIMER_SKEW)', () => {
  const rows = [
    { version: 3, priority: 100, intervalCs: 100, skewMs: 609.375, downMs: 3609.375 },
    { version: 3, priority: 200, intervalCs: 100, skewMs: 218.75, downMs: 3218.75 },
    { version: 3, priority: 254, intervalCs: 100, skewMs: 7.8125, downMs: 3007.8125 },
    { version: 3, priority: 1, intervalCs: 100, skewMs: 996.09375, downMs: 3996.09375 },
    { version: 3, priority: 100, intervalCs: 300, skewMs: 1828.125, downMs: 10828.125 },
    { version: 3, priority: 100, intervalCs: 10, skewMs: 60.9375, downMs: 360.9375 },
    // v2 Skew_Time is (256 − Priority)/256 s whatever the interval (RFC 3768 §6.1).
    { version: 2, priority: 100, intervalCs: 300, skewMs: 609.375, downMs: 9609.375 },
    { version: 2, priority: 100, intervalCs: 100, skewMs: 609.375, downMs: 3609.375 },
  ] as const;
  for (const r of rows) {
    test(`v${r.version} priority ${r.priority} at ${r.intervalCs} cs`, () => {
      assert.equal(skewTimeMs(r.version, r.priority, r.intervalCs), r.skewMs);
      assert.equal(masterDownIntervalMs(r.version, r.priority, r.intervalCs), r.downMs);
      assert.equal(skewTimeCs(r.version, r.priority, r.intervalCs), r.skewMs / 10);
      assert.equal(masterDownIntervalCs(r.version, r.priority, r.intervalCs), r.downMs / 10);
    });
  }
});

describe('effectivePriority (keepalived vrrp_track.c vrrp_set_effective_priority())', () => {
  const rows = [
    { name: 'no checks', base: 100, checks: [], priority: 100, fault: false },
    {
      name: 'weight 0 failing → fault',
      base: 100,
      checks: [[0, false]],
      priority: 100,
      fault: true,
    },
    { name: 'weight 0 passing', base: 100, checks: [[0, true]], priority: 100, fault: false },
    {
      name: '+weight added while passing',
      base: 100,
      checks: [[10, true]],
      priority: 110,
      fault: false,
    },
    {
      name: '+weight not added while failing',
      base: 100,
      checks: [[10, false]],
      priority: 100,
      fault: false,
    },
    {
      name: '−weight added while failing',
      base: 100,
      checks: [[-20, false]],
      priority: 80,
      fault: false,
    },
    {
      name: '−weight not added while passing',
      base: 100,
      checks: [[-20, true]],
      priority: 100,
      fault: false,
    },
    {
      name: 'sum of several',
      base: 100,
      checks: [
        [10, true],
        [-30, false],
        [5, false],
      ],
      priority: 80,
      fault: false,
    },
    { name: 'clamped to 254', base: 250, checks: [[10, true]], priority: 254, fault: false },
    { name: 'clamped to 1', base: 10, checks: [[-50, false]], priority: 1, fault: false },
    {
      name: 'owner 255 never adjusted',
      base: 255,
      checks: [[-50, false]],
      priority: 255,
      fault: false,
    },
    {
      name: 'owner 255 still faults on weight 0',
      base: 255,
      checks: [[0, false]],
      priority: 255,
      fault: true,
    },
  ] as const;
  for (const r of rows) {
    test(r.name, () => {
      const checks = r.checks.map(([weight, passing]) => ({ weight, passing }));
      assert.deepEqual(effectivePriority(r.base, checks), { priority: r.priority, fault: r.fault });
    });
  }
});

describe('Initialize (RFC 9568 §6.4.1)', () => {
  test('startup as owner (255) → master at once: advert, VIPs + GARP, Adver_Timer', () => {
    const cfg = config({ priority: 255 });
    const { state, effects } = run(cfg, [{ type: 'startup', now: 1000 }]);
    assert.equal(state.name, 'master');
    assert.deepEqual(effects, [
      { type: 'sendAdvert', priority: 255 },
      { type: 'becomeMaster' },
      { type: 'transition', from: 'initialize', to: 'master', reason: 'owner' },
    ]);
    assert.equal(nextWakeup(state), 2000);
  });

  test('startup otherwise → backup with Master_Down_Timer = Master_Down_Interval', () => {
    const { state, effects } = run(config(), [{ type: 'startup', now: 1000 }]);
    assert.equal(state.name, 'backup');
    assert.deepEqual(effects, [
      { type: 'transition', from: 'initialize', to: 'backup', reason: 'startup' },
    ]);
    assert.equal(nextWakeup(state), 1000 + mdi(100));
  });

  test('startup with the interface down → fault (keepalived FAULT)', () => {
    const cfg = config();
    const { state, effects } = run(cfg, [
      { type: 'interface', now: 0, up: false },
      { type: 'startup', now: 10 },
    ]);
    assert.equal(state.name, 'fault');
    assert.equal(transitionOf(effects)?.reason, 'fault');
    assert.equal(nextWakeup(state), undefined);
  });

  test('timers and adverts are ignored before startup', () => {
    const cfg = config();
    const s0 = initialState(cfg);
    assert.deepEqual(step(s0, { type: 'timer', now: 99999 }, cfg), { state: s0, effects: [] });
    assert.deepEqual(step(s0, advert(5, 200), cfg), { state: s0, effects: [] });
  });
});

describe('Backup (RFC 9568 §6.4.2, RFC 3768 §6.4.2)', () => {
  const start = { type: 'startup', now: 0 } as const;

  test('Master_Down_Timer expiry → master (not before)', () => {
    const cfg = config();
    const early = run(cfg, [start, { type: 'timer', now: mdi(100) - 1 }]);
    assert.equal(early.state.name, 'backup');
    assert.deepEqual(early.effects, []);
    const { state, effects } = run(cfg, [start, { type: 'timer', now: mdi(100) }]);
    assert.equal(state.name, 'master');
    assert.deepEqual(sent(effects), [100]);
    assert.equal(transitionOf(effects)?.reason, 'master-down-timer');
  });

  test('priority 0 advert → Master_Down_Timer := Skew_Time, then master', () => {
    const cfg = config();
    const r = run(cfg, [start, advert(500, 0)]);
    assert.equal(nextWakeup(r.state), 500 + skewTimeMs(3, 100, 100));
    const done = step(r.state, { type: 'timer', now: 500 + skewTimeMs(3, 100, 100) }, cfg);
    assert.equal(done.state.name, 'master');
    assert.equal(transitionOf(done.effects)?.reason, 'priority-zero');
  });

  const resetRows = [
    {
      rule: 'preempt=false, lower advert resets the timer',
      preempt: false,
      local: 150,
      remote: 100,
    },
    {
      rule: 'lower local priority, higher advert resets the timer',
      preempt: true,
      local: 100,
      remote: 150,
    },
    {
      rule: 'equal priority stays backup and resets (tie-break only in Master)',
      preempt: true,
      local: 100,
      remote: 100,
    },
  ] as const;
  for (const r of resetRows) {
    test(r.rule, () => {
      const cfg = config({ preempt: r.preempt, priority: r.local });
      const { state, effects } = run(cfg, [start, advert(2000, r.remote)]);
      assert.equal(state.name, 'backup');
      assert.deepEqual(effects, []);
      assert.equal(nextWakeup(state), 2000 + mdi(r.local));
    });
  }

  test('v3 backup learns Master_Adver_Interval from the master advert', () => {
    const cfg = config();
    const { state } = run(cfg, [start, advert(2000, 150, { advertIntervalCs: 200 })]);
    assert.equal(state.masterAdverIntervalCs, 200);
    assert.equal(nextWakeup(state), 2000 + masterDownIntervalMs(3, 100, 200));
  });

  test('v2 drops an advert whose interval differs (RFC 3768 §7.1)', () => {
    const cfg = config({ version: 2 });
    const { state } = run(cfg, [start, advert(2000, 150, { advertIntervalCs: 200 })]);
    assert.equal(nextWakeup(state), masterDownIntervalMs(2, 100, 100));
  });

  test('adverts for another VRID or from our own address are ignored', () => {
    const cfg = config();
    const other = run(cfg, [start, advert(2000, 150, { vrid: 52 })]);
    assert.equal(nextWakeup(other.state), mdi(100));
    const own = run(cfg, [start, advert(2000, 150, { source: LOCAL })]);
    assert.equal(nextWakeup(own.state), mdi(100));
  });

  test('preempt with higher local priority ignores lower adverts → master at timer expiry', () => {
    const cfg = config({ priority: 200 });
    const r = run(cfg, [start, advert(1000, 100), advert(2000, 100), advert(3000, 100)]);
    assert.equal(nextWakeup(r.state), mdi(200));
    const done = step(r.state, { type: 'timer', now: mdi(200) }, cfg);
    assert.equal(done.state.name, 'master');
    assert.equal(transitionOf(done.effects)?.reason, 'preempt');
  });

  test('preempt delay (keepalived preempt_delay): lower masters tolerated until delay after startup', () => {
    const cfg = config({ priority: 200, preemptDelayS: 5 });
    const during = run(cfg, [start, advert(4000, 100)]);
    assert.equal(nextWakeup(during.state), 4000 + mdi(200), 'within the delay: timer reset');
    const after = step(during.state, advert(5000, 100), cfg);
    assert.equal(nextWakeup(after.state), 4000 + mdi(200), 'after the delay: ignored');
    const done = step(after.state, { type: 'timer', now: 4000 + mdi(200) }, cfg);
    assert.equal(done.state.name, 'master');
  });
});

describe('Master / Active Router (RFC 9568 §6.4.3, RFC 3768 §6.4.3)', () => {
  const cfg = config({ priority: 150 });
  const master = (): VrrpState => {
    const r = run(cfg, [
      { type: 'startup', now: 0 },
      { type: 'timer', now: mdi(150) },
    ]);
    assert.equal(r.state.name, 'master');
    return r.state;
  };
  const at = mdi(150) + 300;

  test('Adver_Timer → send an advert and restart the timer', () => {
    const s = master();
    const due = nextWakeup(s) ?? 0;
    const { state, effects } = step(s, { type: 'timer', now: due }, cfg);
    assert.deepEqual(effects, [{ type: 'sendAdvert', priority: 150 }]);
    assert.equal(nextWakeup(state), due + 1000);
  });

  const rows: readonly {
    rule: string;
    priority: number;
    source?: string;
    to: VrrpState['name'];
    reason?: TransitionReason;
    sends: number[];
  }[] = [
    {
      rule: 'higher priority → backup',
      priority: 200,
      to: 'backup',
      reason: 'higher-priority',
      sends: [],
    },
    {
      rule: 'equal priority from a higher address → backup',
      priority: 150,
      source: '10.0.0.6',
      to: 'backup',
      reason: 'address-tie-break',
      sends: [],
    },
    {
      rule: 'equal priority from a lower address → reassert',
      priority: 150,
      source: '10.0.0.4',
      to: 'master',
      sends: [150],
    },
    {
      rule: 'lower priority → RFC 9568: discard and send an advert at once',
      priority: 100,
      to: 'master',
      sends: [150],
    },
    { rule: 'priority 0 → send an advert at once', priority: 0, to: 'master', sends: [150] },
  ];
  for (const r of rows) {
    test(r.rule, () => {
      const { state, effects } = step(
        master(),
        advert(at, r.priority, r.source ? { source: r.source } : {}),
        cfg,
      );
      assert.equal(state.name, r.to);
      assert.deepEqual(sent(effects), r.sends);
      assert.equal(transitionOf(effects)?.reason, r.reason);
      if (r.to === 'backup') {
        assert.ok(
          effects.some((e) => e.type === 'becomeBackup'),
          'VIPs removed',
        );
        assert.equal(nextWakeup(state), at + mdi(150));
      } else {
        assert.equal(nextWakeup(state), at + 1000, 'Adver_Timer restarted');
      }
    });
  }

  test('yielding learns the new master interval (v3)', () => {
    const { state } = step(master(), advert(at, 200, { advertIntervalCs: 50 }), cfg);
    assert.equal(nextWakeup(state), at + masterDownIntervalMs(3, 150, 50));
  });

  test('shutdown as master → priority 0 advert, VIPs removed, initialize', () => {
    const { state, effects } = step(master(), { type: 'shutdown', now: at }, cfg);
    assert.equal(state.name, 'initialize');
    assert.deepEqual(effects, [
      { type: 'sendAdvert', priority: 0 },
      { type: 'becomeBackup' },
      { type: 'transition', from: 'master', to: 'initialize', reason: 'shutdown' },
    ]);
    assert.equal(nextWakeup(state), undefined);
  });

  test('shutdown as backup → initialize, no advert (RFC 9568 §6.4.2)', () => {
    const r = run(cfg, [
      { type: 'startup', now: 0 },
      { type: 'shutdown', now: 5 },
    ]);
    assert.equal(r.state.name, 'initialize');
    assert.deepEqual(sent(r.effects), []);
  });

  test('a priority change is advertised by the next advert', () => {
    const lowered = step(master(), { type: 'priority', now: at, priority: 90, fault: false }, cfg);
    assert.equal(lowered.state.name, 'master');
    const due = nextWakeup(lowered.state) ?? 0;
    assert.deepEqual(sent(step(lowered.state, { type: 'timer', now: due }, cfg).effects), [90]);
  });
});

describe('FAULT (keepalived vrrp_state_leave_master(), vrrp_scheduler.c try_up_instance())', () => {
  const cfg = config();
  const asMaster = () =>
    run(cfg, [
      { type: 'startup', now: 0 },
      { type: 'timer', now: mdi(100) },
    ]).state;

  test('interface down as master → resign with priority 0, remove VIPs, fault; up → backup', () => {
    const down = step(asMaster(), { type: 'interface', now: 5000, up: false }, cfg);
    assert.equal(down.state.name, 'fault');
    assert.deepEqual(sent(down.effects), [0]);
    assert.ok(down.effects.some((e) => e.type === 'becomeBackup'));
    assert.equal(nextWakeup(down.state), undefined);
    assert.deepEqual(
      step(down.state, advert(5500, 50), cfg).effects,
      [],
      'adverts ignored in fault',
    );
    const up = step(down.state, { type: 'interface', now: 6000, up: true }, cfg);
    assert.equal(up.state.name, 'backup');
    assert.equal(transitionOf(up.effects)?.reason, 'recovered');
    assert.equal(nextWakeup(up.state), 6000 + mdi(100));
  });

  test('interface down as backup → fault without an advert', () => {
    const r = run(cfg, [
      { type: 'startup', now: 0 },
      { type: 'interface', now: 10, up: false },
    ]);
    assert.equal(r.state.name, 'fault');
    assert.deepEqual(sent(r.effects), []);
  });

  test('a failing weight-0 check faults; recovery needs checks and interface healthy', () => {
    const faulted = step(
      asMaster(),
      { type: 'priority', now: 5000, priority: 100, fault: true },
      cfg,
    );
    assert.equal(faulted.state.name, 'fault');
    const ifDown = step(faulted.state, { type: 'interface', now: 5100, up: false }, cfg);
    const checksOk = step(
      ifDown.state,
      { type: 'priority', now: 5200, priority: 100, fault: false },
      cfg,
    );
    assert.equal(checksOk.state.name, 'fault', 'interface still down');
    const up = step(checksOk.state, { type: 'interface', now: 5300, up: true }, cfg);
    assert.equal(up.state.name, 'backup');
  });

  test('an owner recovering from fault becomes master at once', () => {
    const owner = config({ priority: 255 });
    const r = run(owner, [
      { type: 'startup', now: 0 },
      { type: 'interface', now: 10, up: false },
      { type: 'interface', now: 20, up: true },
    ]);
    assert.equal(r.state.name, 'master');
    assert.equal(transitionOf(r.effects)?.reason, 'recovered');
  });
});

describe('compareAddresses (tie-break: unsigned, network byte order)', () => {
  const rows = [
    ['10.0.0.10', '10.0.0.9', 1],
    ['9.255.255.255', '10.0.0.0', -1],
    ['192.0.2.1', '192.0.2.1', 0],
    ['fe80::10', 'FE80:0:0::9', 1],
    ['fe80::1', 'fe80::1:0', -1],
  ] as const;
  for (const [a, b, sign] of rows) {
    test(`${a} vs ${b}`, () => assert.equal(Math.sign(compareAddresses(a, b)), sign));
  }
});

describe('sync groups (keepalived vrrp_sync.c)', () => {
  const group = [
    { name: 'a', state: 'master' },
    { name: 'b', state: 'master' },
    { name: 'c', state: 'fault' },
  ] as const;
  test('one goes fault → the other running members go fault', () => {
    assert.deepEqual(syncGroupTransitions(group, { name: 'a', to: 'fault' }), [
      { name: 'b', to: 'fault' },
    ]);
  });
  test('one goes backup → the other masters go backup', () => {
    assert.deepEqual(syncGroupTransitions(group, { name: 'b', to: 'backup' }), [
      { name: 'a', to: 'backup' },
    ]);
  });
  test('one goes master → the other backups go master', () => {
    const backups = [
      { name: 'a', state: 'backup' },
      { name: 'b', state: 'backup' },
      { name: 'c', state: 'backup' },
    ] as const;
    assert.deepEqual(syncGroupTransitions(backups, { name: 'c', to: 'master' }), [
      { name: 'a', to: 'master' },
      { name: 'b', to: 'master' },
    ]);
  });
  test('master only when every member wants it', () => {
    assert.equal(syncGroupMayBecomeMaster([true, true]), true);
    assert.equal(syncGroupMayBecomeMaster([true, false]), false);
  });
});

describe('simulation: three routers on one function-call LAN', () => {
  interface Router {
    cfg: VrrpMachineConfig;
    state: VrrpState;
    alive: boolean;
    transitions: { now: number; to: string; reason: TransitionReason }[];
  }
  const router = (priority: number, address: string): Router => {
    const cfg = config({ priority, primaryAddress: address });
    return { cfg, state: initialState(cfg), alive: true, transitions: [] };
  };

  /** Step one router, delivering its adverts to every other live router at the same instant. */
  function deliver(routers: Router[], first: Router, event: VrrpEvent): void {
    const queue: [Router, VrrpEvent][] = [[first, event]];
    for (let n = 0; queue.length > 0 && n < 1000; n++) {
      const [r, e] = queue.shift() as [Router, VrrpEvent];
      const result = step(r.state, e, r.cfg);
      r.state = result.state;
      for (const eff of result.effects) {
        if (eff.type === 'transition')
          r.transitions.push({ now: e.now, to: eff.to, reason: eff.reason });
        if (eff.type !== 'sendAdvert') continue;
        const adv = {
          vrid: 51,
          priority: eff.priority,
          advertIntervalCs: 100,
          source: r.cfg.primaryAddress,
          addresses: [],
        };
        for (const o of routers)
          if (o !== r && o.alive) queue.push([o, { type: 'advert', now: e.now, advert: adv }]);
      }
    }
  }

  /** Advance fake time to `until`, firing each live router's earliest deadline in order. */
  function runUntil(routers: Router[], until: number): void {
    for (let n = 0; n < 100_000; n++) {
      const due = routers
        .filter((r) => r.alive)
        .map((r) => ({ r, at: nextWakeup(r.state) ?? Infinity }))
        .sort((x, y) => x.at - y.at)[0];
      if (!due || due.at > until) return;
      deliver(routers, due.r, { type: 'timer', now: due.at });
    }
  }

  test('200 wins; killed, 150 takes over within Master_Down_Interval; back with preempt, 200 retakes', () => {
    const [a, b, c] = [router(100, '10.0.0.1'), router(150, '10.0.0.2'), router(200, '10.0.0.3')];
    const lan = [a, b, c];
    for (const r of lan) deliver(lan, r, { type: 'startup', now: 0 });
    runUntil(lan, 10_000);
    assert.deepEqual(
      lan.map((r) => r.state.name),
      ['backup', 'backup', 'master'],
    );
    assert.deepEqual(c.transitions.at(-1), {
      now: mdi(200),
      to: 'master',
      reason: 'master-down-timer',
    });

    // Kill 200: its process stops; its last advert went out at its last Adver_Timer ≤ 10 s.
    const lastAdvertAt = mdi(200) + Math.floor((10_000 - mdi(200)) / 1000) * 1000;
    c.alive = false;
    runUntil(lan, 20_000);
    assert.equal(b.state.name, 'master');
    assert.equal(a.state.name, 'backup');
    const takeover = b.transitions.at(-1);
    assert.equal(takeover?.reason, 'master-down-timer');
    assert.ok((takeover?.now ?? Infinity) - lastAdvertAt <= mdi(150));
    assert.equal(takeover?.now, lastAdvertAt + mdi(150));

    // Bring 200 back (fresh process, preempt on): it ignores 150's adverts and takes back.
    c.state = initialState(c.cfg);
    c.alive = true;
    deliver(lan, c, { type: 'startup', now: 20_000 });
    runUntil(lan, 30_000);
    assert.deepEqual(
      lan.map((r) => r.state.name),
      ['backup', 'backup', 'master'],
    );
    assert.deepEqual(c.transitions.at(-1), {
      now: 20_000 + mdi(200),
      to: 'master',
      reason: 'preempt',
    });
    assert.equal(b.transitions.at(-1)?.reason, 'higher-priority');
  });
});

test('every transition reason is a member of the closed set', () => {
  assert.equal(new Set(TRANSITION_REASONS).size, TRANSITION_REASONS.length);
});

describe('sync event (keepalived vrrp_sync.c: members follow the group)', () => {
  const cfg = config();
  const backup = [{ type: 'startup', now: 0 }] as const satisfies VrrpEvent[];
  const master = [...backup, { type: 'timer', now: mdi(100) }] as const satisfies VrrpEvent[];
  test('backup follows a peer to master at once', () => {
    const r = run(cfg, [...backup, { type: 'sync', now: 5, to: 'master' }]);
    assert.equal(r.state.name, 'master');
    assert.deepEqual(sent(r.effects), [100]);
    assert.equal(
      transitionOf(r.effects)?.type === 'transition' && transitionOf(r.effects)?.reason,
      'sync-group',
    );
  });
  test('master follows a peer to backup: VIPs removed, fresh Master_Down_Timer', () => {
    const now = mdi(100) + 5;
    const r = run(cfg, [...master, { type: 'sync', now, to: 'backup' }]);
    assert.equal(r.state.name, 'backup');
    assert.ok(r.effects.some((e) => e.type === 'becomeBackup'));
    assert.equal(nextWakeup(r.state), now + mdi(100));
  });
  test('master follows a peer into fault: resigns with priority 0', () => {
    const r = run(cfg, [...master, { type: 'sync', now: mdi(100) + 5, to: 'fault' }]);
    assert.equal(r.state.name, 'fault');
    assert.deepEqual(sent(r.effects), [0]);
  });
  test('a fault the group imposed ends when the group goes back to backup', () => {
    const r = run(cfg, [
      ...backup,
      { type: 'sync', now: 5, to: 'fault' },
      { type: 'sync', now: 10, to: 'backup' },
    ]);
    assert.equal(r.state.name, 'backup');
  });
  test('an instance faulted by its own interface stays in fault', () => {
    const r = run(cfg, [
      ...backup,
      { type: 'interface', now: 5, up: false },
      { type: 'sync', now: 10, to: 'backup' },
    ]);
    assert.equal(r.state.name, 'fault');
  });
  test('master ignores a sync to master; fault ignores a sync to master', () => {
    assert.equal(run(cfg, [...master, { type: 'sync', now: 1e6, to: 'master' }]).effects.length, 0);
    const faulted = run(cfg, [...backup, { type: 'interface', now: 5, up: false }]);
    assert.equal(
      step(faulted.state, { type: 'sync', now: 6, to: 'master' }, cfg).state.name,
      'fault',
    );
  });
});
