/**
 * @module An in-place edit of a running instance (same interface, VRID, family and version;
 * contract/vrrp-identity.ts): the machine keeps its state and timers and takes the new settings.
 * - The effective priority and check fault are applied as a health change would be: a failing
 *   weight-0 check faults, a recovered one re-elects; otherwise the state is kept.
 * - A master that stays master sends an advert at once with the new priority, interval and
 *   address list, and restarts its Adver_Timer at the new interval (RFC 9568 §6.4.3), so that
 *   backups learn the change without waiting: v3 backups adopt the Max Advert Interval of the
 *   master's adverts (RFC 9568 §6.4.2), and a backup that is now of higher priority and may
 *   preempt starts discarding them (§6.4.2 "Preempt_Mode"). A master handing over for
 *   maintenance sends a priority-0 advert instead (maintenance.ts).
 * - A v2 backup's Master_Down_Interval comes from its own configured interval (RFC 3768 §6.1),
 *   not from the master's adverts. When that interval changes, the running Master_Down_Timer is
 *   extended to a full new interval from now, never shortened: the master may still be on the
 *   longer interval, and a shorter timer would take over from a live master.
 */
import { healthChanged } from './machine-health.js';
import { isHandingOver, onHandoverReconfigure } from './maintenance.js';
import { csToMs, masterDownIntervalMs } from './timing.js';
import type { StepResult, VrrpMachineConfig, VrrpState } from './machine-types.js';

export function onReconfigure(
  s: VrrpState,
  cfg: VrrpMachineConfig,
  priority: number,
  fault: boolean,
  now: number,
): StepResult {
  const health = healthChanged({ ...s, priority, checksFault: fault }, cfg, now);
  const next = health.state;
  if (s.name === 'master' && isHandingOver(next)) {
    const resigned = onHandoverReconfigure(next, cfg, now);
    return { state: resigned.state, effects: [...health.effects, ...resigned.effects] };
  }
  if (s.name === 'master' && next.name === 'master') {
    return {
      state: {
        ...next,
        masterAdverIntervalCs: cfg.advertIntervalCs,
        nextAdvertAt: now + csToMs(cfg.advertIntervalCs),
      },
      effects: [...health.effects, { type: 'sendAdvert', priority: next.priority }],
    };
  }
  if (
    s.name === 'backup' &&
    next.name === 'backup' &&
    cfg.version === 2 &&
    next.masterAdverIntervalCs !== cfg.advertIntervalCs
  ) {
    const downMs = masterDownIntervalMs(2, next.priority, cfg.advertIntervalCs);
    return {
      state: {
        ...next,
        masterAdverIntervalCs: cfg.advertIntervalCs,
        masterDownAt: Math.max(next.masterDownAt, now + downMs),
      },
      effects: health.effects,
    };
  }
  return health;
}
