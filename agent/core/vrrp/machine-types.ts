/**
 * @module Types of the pure VRRP state machine (machine.ts): its state, events, effects and the
 * closed set of transition reasons used as a metric label.
 */
import type { DirectorVrrpInstance } from '../../../contract/vrrp-instance.js';

/** What the machine needs of a director's instance, plus this director's primary address. */
export type VrrpMachineConfig = Pick<
  DirectorVrrpInstance,
  'vrid' | 'version' | 'advertIntervalCs' | 'preempt' | 'preemptDelayS' | 'priority'
> & {
  /** Primary address on the VRRP interface (the advert source), for the equal-priority tie-break. */
  primaryAddress: string;
};

/** A received, already validated advert (independent of the wire codec). */
export interface ReceivedAdvert {
  vrid: number;
  priority: number;
  /** v3 Max Advertise Interval; for v2 the Adver Int converted to centiseconds. */
  advertIntervalCs: number;
  /** The IP source address of the advert (the sender's primary address). */
  source: string;
  addresses: readonly string[];
}

/** Every event carries `now`, monotonic milliseconds; the machine never reads a clock. */
export type VrrpEvent =
  | { type: 'startup'; now: number }
  | { type: 'shutdown'; now: number }
  | { type: 'timer'; now: number }
  | { type: 'advert'; now: number; advert: ReceivedAdvert }
  /** The effective priority from tracked checks (tracking.ts `effectivePriority`). */
  | { type: 'priority'; now: number; priority: number; fault: boolean }
  | { type: 'interface'; now: number; up: boolean }
  /** A sync-group peer changed state: follow it (sync-group.ts, keepalived vrrp_sync.c). */
  | { type: 'sync'; now: number; to: 'master' | 'backup' | 'fault' }
  /**
   * The instance's settings were edited in place (same interface, VRID, family and version):
   * the `step` that receives it already gets the new config; `priority` and `fault` are the
   * effective ones under the new base priority (reconfigure.ts).
   */
  | { type: 'reconfigure'; now: number; priority: number; fault: boolean }
  /**
   * The director entered (`on`) or left maintenance; `priority` and `fault` are the effective
   * ones with maintenance applied (maintenance.ts `withMaintenance`).
   */
  | { type: 'maintenance'; now: number; on: boolean; priority: number; fault: boolean };

export type VrrpStateName = 'initialize' | 'backup' | 'master' | 'fault';

/**
 * Why a backup's Master_Down_Timer is running, so that its expiry reports the right reason:
 * `silence` (reset by the master's adverts), `priority-zero` (the master resigned, Skew_Time),
 * `preempt` (we are ignoring a lower-priority master's adverts).
 */
export type MasterDownCause = 'silence' | 'priority-zero' | 'preempt';

interface CommonState {
  /** Effective priority (base ± tracked checks). */
  priority: number;
  /** Master_Adver_Interval (RFC 9568 §6.1): learned from the master while backup (v3). */
  masterAdverIntervalCs: number;
  interfaceUp: boolean;
  checksFault: boolean;
  /** keepalived `preempt_delay`: lower-priority masters are tolerated until this instant. */
  preemptAllowedAt: number;
}

/** The state, with its timers as deadlines in monotonic ms (RFC names, RFC 9568 §6.4). */
export type VrrpState = CommonState &
  (
    | { name: 'initialize' }
    | { name: 'backup'; masterDownAt: number; masterDownCause: MasterDownCause }
    | {
        name: 'master';
        nextAdvertAt: number;
        /**
         * Set while a master that entered maintenance hands over make-before-break
         * (maintenance.ts): it keeps its VIPs and sends priority-0 adverts until another
         * router's advert arrives or this deadline (monotonic ms) passes.
         */
        handingOverUntil?: number;
        /**
         * While handing over: the router whose advert arrived (the new master). Its next advert
         * releases the VIPs; until then `nextAdvertAt` is the deadline for it (maintenance.ts).
         */
        yieldingTo?: string;
      }
    | { name: 'fault' }
  );

/** Closed set of reasons for a state transition (a metric label). */
export const TRANSITION_REASONS = [
  'startup',
  'owner',
  'master-down-timer',
  'priority-zero',
  'preempt',
  'higher-priority',
  'address-tie-break',
  'shutdown',
  'fault',
  'recovered',
  'sync-group',
  'maintenance',
] as const;
export type TransitionReason = (typeof TRANSITION_REASONS)[number];

export type VrrpEffect =
  | { type: 'sendAdvert'; priority: number }
  /** Add the VIPs and send gratuitous ARP / unsolicited NA for them. */
  | { type: 'becomeMaster' }
  /** Remove the VIPs (emitted only when leaving master). */
  | { type: 'becomeBackup' }
  | { type: 'transition'; from: VrrpStateName; to: VrrpStateName; reason: TransitionReason }
  /**
   * A maintenance hand-over (maintenance.ts) began, was cancelled by a resume, or ran out with
   * no other router taking over (`kept`: it stays master). Its end by a takeover is the
   * `transition` to backup with reason `maintenance`.
   */
  | { type: 'handover'; phase: HandoverPhase };

/** The phases of a maintenance hand-over that are not a state transition. */
export type HandoverPhase = 'started' | 'cancelled' | 'kept';

export interface StepResult {
  state: VrrpState;
  effects: VrrpEffect[];
}
