/**
 * @module Director maintenance, as the state machine sees it: a pure input, like a priority
 * change. Nothing else re-elects; only the instances this director is master of hand over.
 *
 * - **Priority.** In maintenance the instance advertises and elects with priority 1, the lowest a
 *   router may use (RFC 9568 §5.2.4: 0 is reserved for resigning), whatever its base priority
 *   and tracked checks. Every peer has at least 1, so a backup in maintenance accepts every
 *   master (RFC 9568 §6.4.2: it preempts only a master of lower priority) and never preempts.
 *   The address owner (255) is lowered too: in fleetlb a VIP is never an interface's own
 *   address (the agent adds and removes it as any master does), so stepping back is safe; the
 *   owner's start-up rule (§6.4.1, master at once) does not apply to priority 1.
 * - **Hand-over.** A master that enters maintenance resigns at once as at Shutdown (RFC 9568
 *   §6.4.3, RFC 3768 §6.4.3: a priority-0 advert, then its VIPs removed) and goes Backup, so the
 *   best backup takes over after its Skew_Time rather than after a Master_Down_Interval.
 * - **Availability beats maintenance.** A backup in maintenance keeps its Master_Down_Timer: if
 *   no other router advertises (the peers are down), it takes the VIPs after
 *   Master_Down_Interval, the longest of any priority, so any live peer wins first; a peer that
 *   comes back with preemption takes them over again (keepalived's nearest equivalent, lowering
 *   the priority, behaves the same).
 * - **Resume** restores the normal effective priority as a priority change does: a backup whose
 *   priority is now above the master's preempts it if preemption is configured (RFC 9568
 *   §6.4.2), after the master's next advert and Master_Down_Interval.
 */
import { healthChanged } from './machine-health.js';
import { backupState, transition } from './machine-common.js';
import type { EffectivePriority } from './tracking.js';
import type { StepResult, VrrpMachineConfig, VrrpState } from './machine-types.js';

/** The priority every instance of a director in maintenance advertises. */
export const MAINTENANCE_PRIORITY = 1;

/** The effective priority with maintenance applied (a weight-0 check still faults). */
export function withMaintenance(
  effective: EffectivePriority,
  maintenance: boolean,
): EffectivePriority {
  return maintenance ? { priority: MAINTENANCE_PRIORITY, fault: effective.fault } : effective;
}

/**
 * Enter (`on`) or leave maintenance with the effective priority and fault that go with it
 * (`withMaintenance`). A master entering it resigns (priority-0 advert, VIPs removed) and goes
 * Backup with a fresh Master_Down_Timer at its new priority.
 */
export function onMaintenance(
  s: VrrpState,
  cfg: VrrpMachineConfig,
  on: boolean,
  priority: number,
  fault: boolean,
  now: number,
): StepResult {
  const health = healthChanged({ ...s, priority, checksFault: fault }, cfg, now);
  const next = health.state;
  if (!on || next.name !== 'master') return health;
  return {
    state: backupState(next, cfg, now, cfg.advertIntervalCs),
    effects: [
      ...health.effects,
      { type: 'sendAdvert', priority: 0 },
      { type: 'becomeBackup' },
      transition('master', 'backup', 'maintenance'),
    ],
  };
}
