/** @module Handlers of the Master ("Active Router") state (RFC 9568 §6.4.3, RFC 3768 §6.4.3). */
import { backupState, compareAddresses, transition, unchanged } from './machine-common.js';
import { csToMs } from './timing.js';
import type {
  ReceivedAdvert,
  StepResult,
  TransitionReason,
  VrrpMachineConfig,
  VrrpState,
} from './machine-types.js';

type MasterState = Extract<VrrpState, { name: 'master' }>;

/** Send an advert now and restart the Adver_Timer. */
function advertise(s: MasterState, cfg: VrrpMachineConfig, now: number): StepResult {
  return {
    state: { ...s, nextAdvertAt: now + csToMs(cfg.advertIntervalCs) },
    effects: [{ type: 'sendAdvert', priority: s.priority }],
  };
}

/** RFC 9568 §6.4.3: when the Adver_Timer fires, send an advert and restart it. */
export function onMasterTimer(s: MasterState, cfg: VrrpMachineConfig, now: number): StepResult {
  if (now < s.nextAdvertAt) return unchanged(s);
  return advertise(s, cfg, now);
}

/**
 * Why we must yield to the sender (RFC 9568 §6.4.3): a higher priority, or an equal priority
 * from a greater primary address. Undefined when we stay master.
 */
function yieldReason(
  s: MasterState,
  cfg: VrrpMachineConfig,
  advert: ReceivedAdvert,
): TransitionReason | undefined {
  if (advert.priority > s.priority) return 'higher-priority';
  if (advert.priority < s.priority) return undefined;
  return compareAddresses(advert.source, cfg.primaryAddress) > 0 ? 'address-tie-break' : undefined;
}

/**
 * RFC 9568 §6.4.3 advert handling in Master:
 * - priority 0: another master resigned; send an advert immediately and restart the Adver_Timer;
 * - higher priority, or equal from a greater address: remove VIPs, learn the interval (v3), go
 *   Backup with a fresh Master_Down_Timer;
 * - otherwise (lower priority, or equal from a lower address): RFC 9568 discards the advert *and*
 *   sends one immediately to reassert (RFC 3768/5798 only discarded; keepalived's default matches
 *   RFC 9568, `lower_prio_no_advert` restores the old behaviour). The Adver_Timer is restarted.
 */
export function onMasterAdvert(
  s: MasterState,
  cfg: VrrpMachineConfig,
  advert: ReceivedAdvert,
  now: number,
): StepResult {
  if (advert.priority === 0) return advertise(s, cfg, now);
  const reason = yieldReason(s, cfg, advert);
  if (reason === undefined) return advertise(s, cfg, now);
  const intervalCs = cfg.version === 3 ? advert.advertIntervalCs : cfg.advertIntervalCs;
  return {
    state: backupState(s, cfg, now, intervalCs),
    effects: [{ type: 'becomeBackup' }, transition('master', 'backup', reason)],
  };
}
