/**
 * @module The VRRP state machine as a pure reducer: `step(state, event, config)` returns the next
 * state and the effects for the shell to perform. No I/O, no clock: every event carries `now`
 * (monotonic ms), timers are deadlines in the state, and the shell sleeps until
 * `nextWakeup(state)` and then sends a `timer` event. States follow RFC 9568 §6.4 (Initialize,
 * Backup, Master) plus keepalived's internal FAULT.
 */
import {
  compareAddresses,
  enterMaster,
  backupState,
  leaveTo,
  unchanged,
} from './machine-common.js';
import { onBackupAdvert, onBackupTimer } from './machine-backup.js';
import { onMasterAdvert, onMasterTimer } from './machine-master.js';
import { healthChanged, start } from './machine-health.js';
import { onReconfigure } from './reconfigure.js';
import { isHandingOver, onHandoverAdvert, onHandoverTimer, onMaintenance } from './maintenance.js';
import type {
  ReceivedAdvert,
  StepResult,
  VrrpEvent,
  VrrpMachineConfig,
  VrrpState,
} from './machine-types.js';

export * from './machine-types.js';

/** The Initialize state before the Startup event: interface assumed up, no check failing. */
export function initialState(cfg: VrrpMachineConfig): VrrpState {
  return {
    name: 'initialize',
    priority: cfg.priority,
    masterAdverIntervalCs: cfg.advertIntervalCs,
    interfaceUp: true,
    checksFault: false,
    preemptAllowedAt: 0,
  };
}

/** The earliest deadline in the state, or undefined when no timer runs. */
export function nextWakeup(s: VrrpState): number | undefined {
  const deadlines: number[] = [];
  if (s.name === 'backup') deadlines.push(s.masterDownAt);
  if (s.name === 'master') deadlines.push(s.nextAdvertAt);
  return deadlines.length === 0 ? undefined : Math.min(...deadlines);
}

/** Apply one event. Exhaustive over event types; never throws. */
export function step(s: VrrpState, e: VrrpEvent, cfg: VrrpMachineConfig): StepResult {
  switch (e.type) {
    case 'startup':
      return s.name === 'initialize' ? onStartup(s, cfg, e.now) : unchanged(s);
    case 'shutdown':
      return onShutdown(s);
    case 'timer':
      return onTimer(s, cfg, e.now);
    case 'advert':
      return onAdvert(s, cfg, e.advert, e.now);
    case 'priority':
      return onPriority(s, cfg, e.priority, e.fault, e.now);
    case 'interface':
      return onInterface(s, cfg, e.up, e.now);
    case 'sync':
      return onSync(s, cfg, e.to, e.now);
    case 'reconfigure':
      return onReconfigure(s, cfg, e.priority, e.fault, e.now);
    case 'maintenance':
      return onMaintenance(s, cfg, e.on, e.priority, e.fault, e.now);
    default:
      return assertNever(e);
  }
}

function assertNever(e: never): never {
  return e;
}

/** RFC 9568 §6.4.1 Startup; keepalived `preempt_delay` counts from here. */
function onStartup(s: VrrpState, cfg: VrrpMachineConfig, now: number): StepResult {
  const preemptAllowedAt = now + cfg.preemptDelayS * 1000;
  return start({ ...s, preemptAllowedAt }, cfg, now, 'startup');
}

/** RFC 9568 §6.4.2/§6.4.3 Shutdown: a master resigns with priority 0 and removes its VIPs. */
function onShutdown(s: VrrpState): StepResult {
  return s.name === 'initialize' ? unchanged(s) : leaveTo(s, 'initialize', 'shutdown');
}

function onTimer(s: VrrpState, cfg: VrrpMachineConfig, now: number): StepResult {
  if (s.name === 'backup') return onBackupTimer(s, cfg, now);
  if (isHandingOver(s)) return onHandoverTimer(s, cfg, now);
  if (s.name === 'master') return onMasterTimer(s, cfg, now);
  return unchanged(s);
}

/**
 * Adverts for another VRID, our own (looped back), or — v2 only — with a different interval are
 * dropped (RFC 3768 §7.1: "MUST be discarded" on interval mismatch; v3 only logs, RFC 9568 §7.1).
 */
function isForUs(cfg: VrrpMachineConfig, advert: ReceivedAdvert): boolean {
  if (advert.vrid !== cfg.vrid) return false;
  if (compareAddresses(advert.source, cfg.primaryAddress) === 0) return false;
  return cfg.version === 3 || advert.advertIntervalCs === cfg.advertIntervalCs;
}

function onAdvert(
  s: VrrpState,
  cfg: VrrpMachineConfig,
  advert: ReceivedAdvert,
  now: number,
): StepResult {
  if (!isForUs(cfg, advert)) return unchanged(s);
  if (s.name === 'backup') return onBackupAdvert(s, cfg, advert, now);
  if (isHandingOver(s)) return onHandoverAdvert(s, cfg, advert, now);
  if (s.name === 'master') return onMasterAdvert(s, cfg, advert, now);
  return unchanged(s);
}

/** A new effective priority (tracking.ts): a failing weight-0 check faults; recovery re-elects. */
function onPriority(
  s: VrrpState,
  cfg: VrrpMachineConfig,
  priority: number,
  fault: boolean,
  now: number,
): StepResult {
  return healthChanged({ ...s, priority, checksFault: fault }, cfg, now);
}

/** keepalived: the VRRP interface going down puts the instance in FAULT; coming up recovers. */
function onInterface(s: VrrpState, cfg: VrrpMachineConfig, up: boolean, now: number): StepResult {
  return healthChanged({ ...s, interfaceUp: up }, cfg, now);
}

/**
 * Follow a sync-group peer (keepalived vrrp_sync.c): into FAULT from backup/master; to BACKUP
 * from master (fresh Master_Down_Timer) or out of a FAULT that only the group imposed; to
 * MASTER from backup. Anything else (e.g. our own fault) stays as it is.
 */
function onSync(
  s: VrrpState,
  cfg: VrrpMachineConfig,
  to: 'master' | 'backup' | 'fault',
  now: number,
): StepResult {
  const healthy = s.interfaceUp && !s.checksFault;
  if (to === 'fault') {
    return s.name === 'backup' || s.name === 'master'
      ? leaveTo(s, 'fault', 'sync-group')
      : unchanged(s);
  }
  if (to === 'backup') {
    if (s.name === 'fault' && healthy) return start(s, cfg, now, 'sync-group');
    if (s.name !== 'master') return unchanged(s);
    return {
      state: backupState(s, cfg, now, cfg.advertIntervalCs),
      effects: [
        { type: 'becomeBackup' },
        { type: 'transition', from: 'master', to: 'backup', reason: 'sync-group' },
      ],
    };
  }
  return s.name === 'backup' ? enterMaster(s, cfg, now, 'sync-group') : unchanged(s);
}
