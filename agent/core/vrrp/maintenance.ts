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
 * - **Hand-over, make before break.** A master that enters maintenance sends a priority-0
 *   advert, so that the best backup takes over after its Skew_Time whatever its preemption
 *   setting (RFC 9568 §6.4.2: "If the Priority in the ADVERTISEMENT is zero, then set the
 *   Master_Down_Timer to Skew_Time"; keepalived vrrp.c does the same before looking at
 *   `nopreempt`). Unlike a Shutdown (§6.4.3) it keeps its VIPs, and with them forwarding and
 *   IPVS, and stays Master (status: `handingOver`).
 * - **Released at the new master's second advert.** A new master sends its first advert as it
 *   takes over and adds its VIPs right after (keepalived vrrp.c `vrrp_state_master_tx` sends
 *   first on purpose; fleetlb's runner does the same), so that first advert does not prove the
 *   VIPs are in place. Its next one does: fleetlb's runner performs a master's effects in order
 *   (the VIP add before any later advert) and keepalived adds them synchronously. So on the
 *   first advert from another router it falls silent and waits; on that router's next advert
 *   (an Advertisement_Interval later, or sooner if it answers a priority-0 advert still in
 *   flight) it removes its VIPs and goes Backup (reason `maintenance`). Both hold the VIPs for
 *   about Skew_Time plus one interval, never neither; with IPVS connection sync both have the
 *   connections, and the new master's gratuitous ARP has already moved the traffic. An advert
 *   from yet another router restarts the wait on that one (two backups that took over at once
 *   settle between themselves).
 * - **Repeated.** Until another router advertises it sends nothing but priority-0 adverts, one
 *   per Advertisement_Interval (a lost one is repeated; an advert at priority 1 would let a
 *   `nopreempt` backup settle under it again).
 * - **Bounded; availability beats maintenance.** If no other router advertises within
 *   Master_Down_Interval at priority 1 plus one Advertisement_Interval (longer than any backup
 *   waits for a master that went silent, with an interval for its advert to arrive), or the new
 *   master falls silent for a Master_Down_Interval (or resigns) before its second advert, nobody
 *   is taking over: it keeps the VIPs and stays master at priority 1, advertising normally
 *   (phase `kept`). A backup that appears later takes over if it may preempt (any priority
 *   above 1). Likewise a backup in maintenance keeps its Master_Down_Timer: if no other router
 *   advertises (the peers are down), it takes the VIPs after Master_Down_Interval, the longest
 *   of any priority, so any live peer wins first.
 * - **During the hand-over**, a resume cancels it (an advert at the normal priority at once: a
 *   backup's Skew_Time timer is reset if it has not run out, a new master of lower priority is
 *   preempted, one of higher priority reasserts); a fault (tracked check, interface) or a stop
 *   resigns at once as they always do (priority 0, VIPs removed); an in-place edit sends a
 *   priority-0 advert with the new settings instead of a normal one (none once the new master
 *   advertised); a sync-group peer going Backup takes this instance with it (keepalived
 *   vrrp_sync.c).
 * - **Resume** restores the normal effective priority as a priority change does: a backup whose
 *   priority is now above the master's preempts it if preemption is configured (RFC 9568
 *   §6.4.2), after the master's next advert and Master_Down_Interval.
 */
import { healthChanged } from './machine-health.js';
import { backupState, transition } from './machine-common.js';
import { csToMs, masterDownIntervalMs } from './timing.js';
import type { EffectivePriority } from './tracking.js';
import type { ReceivedAdvert, StepResult, VrrpMachineConfig, VrrpState } from './machine-types.js';

/** The priority every instance of a director in maintenance advertises. */
export const MAINTENANCE_PRIORITY = 1;

type MasterState = Extract<VrrpState, { name: 'master' }>;
type HandingOver = MasterState & { handingOverUntil: number };

/** The effective priority with maintenance applied (a weight-0 check still faults). */
export function withMaintenance(
  effective: EffectivePriority,
  maintenance: boolean,
): EffectivePriority {
  return maintenance ? { priority: MAINTENANCE_PRIORITY, fault: effective.fault } : effective;
}

/** Whether `s` is a master handing over to a backup (still holding its VIPs). */
export function isHandingOver(s: VrrpState): s is HandingOver {
  return s.name === 'master' && s.handingOverUntil !== undefined;
}

/** How long a hand-over waits for another router's advert: see the module doc. */
export function handoverBoundMs(cfg: VrrpMachineConfig): number {
  return (
    masterDownIntervalMs(cfg.version, MAINTENANCE_PRIORITY, cfg.advertIntervalCs) +
    csToMs(cfg.advertIntervalCs)
  );
}

/** A master without the hand-over's fields. */
function plainMaster(s: MasterState): MasterState {
  const { handingOverUntil: _until, yieldingTo: _to, ...rest } = s;
  return rest;
}

/** Send a priority-0 advert now and restart the Adver_Timer, handing over until `until`. */
function resign(s: MasterState, cfg: VrrpMachineConfig, now: number, until: number): StepResult {
  return {
    state: { ...s, handingOverUntil: until, nextAdvertAt: now + csToMs(cfg.advertIntervalCs) },
    effects: [{ type: 'sendAdvert', priority: 0 }],
  };
}

/**
 * Enter (`on`) or leave maintenance with the effective priority and fault that go with it
 * (`withMaintenance`). A master entering it starts handing over (priority-0 advert, VIPs kept);
 * one handing over when it is left stays master and advertises at its normal priority at once.
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
  if (next.name !== 'master') return health;
  if (on) {
    if (isHandingOver(next)) return health;
    const started = resign(next, cfg, now, now + handoverBoundMs(cfg));
    return {
      state: started.state,
      effects: [...health.effects, ...started.effects, { type: 'handover', phase: 'started' }],
    };
  }
  if (!isHandingOver(next)) return health;
  return {
    state: { ...plainMaster(next), nextAdvertAt: now + csToMs(cfg.advertIntervalCs) },
    effects: [
      ...health.effects,
      { type: 'sendAdvert', priority: next.priority },
      { type: 'handover', phase: 'cancelled' },
    ],
  };
}

/** No takeover: stay master at priority 1 and advertise at once (phase `kept`). */
function keep(s: HandingOver, cfg: VrrpMachineConfig, now: number): StepResult {
  return {
    state: { ...plainMaster(s), nextAdvertAt: now + csToMs(cfg.advertIntervalCs) },
    effects: [
      { type: 'sendAdvert', priority: s.priority },
      { type: 'handover', phase: 'kept' },
    ],
  };
}

/**
 * The timer of a master handing over: another priority-0 advert; past the bound, or with the
 * new master silent since its first advert, no takeover (`kept`).
 */
export function onHandoverTimer(s: HandingOver, cfg: VrrpMachineConfig, now: number): StepResult {
  if (now < s.nextAdvertAt) return { state: s, effects: [] };
  if (s.yieldingTo === undefined && now < s.handingOverUntil)
    return resign(s, cfg, now, s.handingOverUntil);
  return keep(s, cfg, now);
}

/**
 * An advert (for this VRID, from another router) while handing over:
 * - priority above 0, from the router already seen: its VIPs are in place, so the VIPs go and
 *   it becomes Backup (reason `maintenance`), learning the interval (v3) as after any yield
 *   (RFC 9568 §6.4.3);
 * - priority above 0, first from this router: wait silently for its next advert, at most a
 *   Master_Down_Interval at its interval;
 * - priority 0 before any router took over: another master resigned too; a master answers with
 *   an advert at once (§6.4.3), here a priority-0 one. After: the new master resigned, keep.
 */
export function onHandoverAdvert(
  s: HandingOver,
  cfg: VrrpMachineConfig,
  advert: ReceivedAdvert,
  now: number,
): StepResult {
  if (advert.priority === 0)
    return s.yieldingTo === undefined ? resign(s, cfg, now, s.handingOverUntil) : keep(s, cfg, now);
  const intervalCs = cfg.version === 3 ? advert.advertIntervalCs : cfg.advertIntervalCs;
  if (s.yieldingTo === advert.source)
    return {
      state: backupState(s, cfg, now, intervalCs),
      effects: [{ type: 'becomeBackup' }, transition('master', 'backup', 'maintenance')],
    };
  const silentMs = masterDownIntervalMs(cfg.version, s.priority, intervalCs);
  return {
    state: { ...s, yieldingTo: advert.source, nextAdvertAt: now + silentMs },
    effects: [],
  };
}

/**
 * An in-place edit of a master handing over (reconfigure.ts): the priority-0 advert goes out at
 * once with the new settings, and the bound is extended to the new interval's if longer. Once a
 * new master advertised, nothing is sent: it waits for that one's next advert.
 */
export function onHandoverReconfigure(
  s: HandingOver,
  cfg: VrrpMachineConfig,
  now: number,
): StepResult {
  if (s.yieldingTo !== undefined) return { state: s, effects: [] };
  return resign(s, cfg, now, Math.max(s.handingOverUntil, now + handoverBoundMs(cfg)));
}
