/**
 * @module Shared pieces of the VRRP state machine's handlers: entering each state, with the
 * effects that go with it, and the address order used for the equal-priority tie-break.
 */
import { parseIpv4, parseIpv6 } from '../../../contract/ip.js';
import { csToMs, masterDownIntervalMs } from './timing.js';
import type {
  MasterDownCause,
  StepResult,
  TransitionReason,
  VrrpEffect,
  VrrpMachineConfig,
  VrrpState,
  VrrpStateName,
} from './machine-types.js';

type CommonState = Omit<VrrpState, 'name' | 'masterDownAt' | 'masterDownCause' | 'nextAdvertAt'>;

/** The fields every state carries, without the state-specific deadlines. */
export function commonOf(s: VrrpState): CommonState {
  const { priority, masterAdverIntervalCs, interfaceUp, checksFault, preemptAllowedAt } = s;
  return { priority, masterAdverIntervalCs, interfaceUp, checksFault, preemptAllowedAt };
}

export function transition(
  from: VrrpStateName,
  to: VrrpStateName,
  reason: TransitionReason,
): VrrpEffect {
  return { type: 'transition', from, to, reason };
}

/** The state unchanged, no effects. */
export function unchanged(s: VrrpState): StepResult {
  return { state: s, effects: [] };
}

/** A backup state whose Master_Down_Timer runs Master_Down_Interval from `now` (RFC 9568 §6.4.2). */
export function backupState(
  s: VrrpState,
  cfg: VrrpMachineConfig,
  now: number,
  masterAdverIntervalCs: number,
  cause: MasterDownCause = 'silence',
): VrrpState {
  const downMs = masterDownIntervalMs(cfg.version, s.priority, masterAdverIntervalCs);
  return {
    ...commonOf(s),
    masterAdverIntervalCs,
    name: 'backup',
    masterDownAt: now + downMs,
    masterDownCause: cause,
  };
}

/**
 * Become master (RFC 9568 §6.4.1 owner startup, §6.4.2 Master_Down_Timer expiry): send an
 * advert, add the VIPs with gratuitous ARP / unsolicited NA, start the Adver_Timer.
 */
export function enterMaster(
  s: VrrpState,
  cfg: VrrpMachineConfig,
  now: number,
  reason: TransitionReason,
): StepResult {
  const state: VrrpState = {
    ...commonOf(s),
    masterAdverIntervalCs: cfg.advertIntervalCs,
    name: 'master',
    nextAdvertAt: now + csToMs(cfg.advertIntervalCs),
  };
  const effects: VrrpEffect[] = [
    { type: 'sendAdvert', priority: s.priority },
    { type: 'becomeMaster' },
    transition(s.name, 'master', reason),
  ];
  return { state, effects };
}

/**
 * Leave master or backup for `to`. A master resigns first: priority-0 advert so that backups take
 * over after Skew_Time (RFC 9568 §6.4.3 Shutdown; keepalived `vrrp_state_leave_master` for FAULT),
 * then removes its VIPs.
 */
export function leaveTo(
  s: VrrpState,
  to: 'initialize' | 'fault',
  reason: TransitionReason,
): StepResult {
  const resign: VrrpEffect[] =
    s.name === 'master' ? [{ type: 'sendAdvert', priority: 0 }, { type: 'becomeBackup' }] : [];
  return {
    state: { ...commonOf(s), name: to },
    effects: [...resign, transition(s.name, to, reason)],
  };
}

/** An address as a list of numbers, most significant first (IPv4: 4 bytes, IPv6: 8 groups). */
function addressWords(address: string): number[] {
  return parseIpv4(address) ?? parseIpv6(address) ?? [];
}

/**
 * Numeric order of two addresses of one family, as unsigned integers in network byte order
 * (RFC 9568 §6.4.3: "the primary IPvX address of the sender is greater than the local primary
 * IPvX address"). Negative when a < b, 0 when equal, positive when a > b.
 */
export function compareAddresses(a: string, b: string): number {
  const wa = addressWords(a);
  const wb = addressWords(b);
  if (wa.length !== wb.length) return wa.length - wb.length;
  for (let i = 0; i < wa.length; i++) {
    const d = (wa[i] ?? 0) - (wb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
