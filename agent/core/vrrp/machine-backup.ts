/** @module Handlers of the Backup state (RFC 9568 §6.4.2, RFC 3768 §6.4.2). */
import { enterMaster, backupState, unchanged } from './machine-common.js';
import { skewTimeMs } from './timing.js';
import type {
  ReceivedAdvert,
  StepResult,
  TransitionReason,
  VrrpMachineConfig,
  VrrpState,
} from './machine-types.js';

type BackupState = Extract<VrrpState, { name: 'backup' }>;

const REASON_BY_CAUSE = {
  silence: 'master-down-timer',
  'priority-zero': 'priority-zero',
  preempt: 'preempt',
} as const satisfies Record<BackupState['masterDownCause'], TransitionReason>;

/** RFC 9568 §6.4.2: when the Master_Down_Timer fires, become master. */
export function onBackupTimer(s: BackupState, cfg: VrrpMachineConfig, now: number): StepResult {
  if (now < s.masterDownAt) return unchanged(s);
  return enterMaster(s, cfg, now, REASON_BY_CAUSE[s.masterDownCause]);
}

/**
 * Whether a backup accepts a non-zero advert as coming from a legitimate master (RFC 9568 §6.4.2:
 * Preempt_Mode False, or advert priority ≥ local). keepalived `preempt_delay` extends this: until
 * the delay after startup has elapsed, lower-priority masters are accepted too.
 */
function acceptsMaster(
  s: BackupState,
  cfg: VrrpMachineConfig,
  advert: ReceivedAdvert,
  now: number,
): boolean {
  return !cfg.preempt || advert.priority >= s.priority || now < s.preemptAllowedAt;
}

/**
 * RFC 9568 §6.4.2 (RFC 3768 §6.4.2) advert handling in Backup:
 * - priority 0: the master resigned, Master_Down_Timer := Skew_Time;
 * - accepted master: learn Master_Adver_Interval (v3 only), reset the Master_Down_Timer;
 * - otherwise (preempt, lower priority): discard, the timer runs out and we preempt.
 */
export function onBackupAdvert(
  s: BackupState,
  cfg: VrrpMachineConfig,
  advert: ReceivedAdvert,
  now: number,
): StepResult {
  if (advert.priority === 0) {
    const skewMs = skewTimeMs(cfg.version, s.priority, s.masterAdverIntervalCs);
    const state: VrrpState = { ...s, masterDownAt: now + skewMs, masterDownCause: 'priority-zero' };
    return { state, effects: [] };
  }
  if (acceptsMaster(s, cfg, advert, now)) {
    const intervalCs = cfg.version === 3 ? advert.advertIntervalCs : cfg.advertIntervalCs;
    return { state: backupState(s, cfg, now, intervalCs), effects: [] };
  }
  return { state: { ...s, masterDownCause: 'preempt' }, effects: [] };
}
