/**
 * @module Leaving Initialize and entering or leaving keepalived's FAULT as the instance's health
 * (interface up, tracked checks) changes: shared by the state machine's handlers (machine.ts)
 * and by in-place reconfiguration (reconfigure.ts).
 */
import { backupState, enterMaster, leaveTo, unchanged } from './machine-common.js';
import { OWNER_PRIORITY } from './tracking.js';
import type {
  StepResult,
  TransitionReason,
  VrrpEffect,
  VrrpMachineConfig,
  VrrpState,
} from './machine-types.js';

/** Leave Initialize, or FAULT once healthy again (`reason` = 'recovered'). */
export function start(
  s: VrrpState,
  cfg: VrrpMachineConfig,
  now: number,
  reason: TransitionReason,
): StepResult {
  if (!s.interfaceUp || s.checksFault) return leaveTo(s, 'fault', 'fault');
  // RFC 9568 §6.4.1: the address owner becomes master at once.
  if (s.priority === OWNER_PRIORITY)
    return enterMaster(s, cfg, now, reason === 'startup' ? 'owner' : reason);
  // RFC 9568 §6.4.1: otherwise Master_Down_Timer := Master_Down_Interval, go Backup.
  const state = backupState(s, cfg, now, cfg.advertIntervalCs);
  const effects: VrrpEffect[] = [{ type: 'transition', from: s.name, to: 'backup', reason }];
  return { state, effects };
}

/** Enter FAULT from backup/master when unhealthy; leave it when healthy (keepalived FAULT). */
export function healthChanged(s: VrrpState, cfg: VrrpMachineConfig, now: number): StepResult {
  const healthy = s.interfaceUp && !s.checksFault;
  if (!healthy && (s.name === 'backup' || s.name === 'master')) return leaveTo(s, 'fault', 'fault');
  if (healthy && s.name === 'fault') return start(s, cfg, now, 'recovered');
  return unchanged(s);
}
