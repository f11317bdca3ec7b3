/**
 * @module The random edits of the edits benchmark (pure, seeded): each one changes the VRRP
 * instance of both directors without touching its identity (interface, VRID, family, version),
 * always including a new priority for the master d1, whose first advert carrying it is the
 * "change on the wire" the benchmark times. d1 stays the higher priority, so no edit should move
 * the VIP.
 */
import type { VrrpVersion } from '../../agent/core/vrrp/timing.js';

export interface EditableInstance {
  priority: number;
  /** The second VIP is present. */
  secondVip: boolean;
  /** The prefix length of the probed VIP. */
  prefixLength: 24 | 32;
  preempt: boolean;
  preemptDelayS: number;
  /** VRRPv2 only. */
  authPassword?: string;
}

export interface PairSettings {
  d1: EditableInstance;
  d2: EditableInstance;
}

export type Edit = { what: string[]; next: PairSettings };

/** mulberry32: a small seeded generator, so that a run can be repeated. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function initialSettings(version: VrrpVersion): PairSettings {
  const base = { secondVip: false, prefixLength: 24 as const, preempt: true, preemptDelayS: 0 };
  const auth = version === 2 ? { authPassword: 'fleetlb1' } : {};
  return { d1: { ...base, ...auth, priority: 150 }, d2: { ...base, ...auth, priority: 100 } };
}

/** The next random edit from `current`. */
export function randomEdit(
  random: () => number,
  current: PairSettings,
  version: VrrpVersion,
): Edit {
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const what = ['priority'];
  let d1Priority = current.d1.priority;
  while (d1Priority === current.d1.priority) d1Priority = between(120, 250);
  const shared: Partial<EditableInstance> = {};
  if (random() < 0.3) {
    shared.secondVip = !current.d1.secondVip;
    what.push(shared.secondVip ? 'vip-added' : 'vip-removed');
  }
  if (random() < 0.2) {
    shared.prefixLength = current.d1.prefixLength === 24 ? 32 : 24;
    what.push('prefix');
  }
  if (random() < 0.2) {
    shared.preempt = !current.d1.preempt;
    shared.preemptDelayS = between(0, 30);
    what.push('preempt');
  }
  if (version === 2 && random() < 0.2) {
    shared.authPassword = `pw${between(100000, 999999)}`;
    what.push('password');
  }
  const d2Priority = random() < 0.3 ? between(50, 110) : current.d2.priority;
  return {
    what,
    next: {
      d1: { ...current.d1, ...shared, priority: d1Priority },
      d2: { ...current.d2, ...shared, priority: d2Priority },
    },
  };
}
