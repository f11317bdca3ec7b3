/**
 * @module Which IPVS sync daemons a director should run, from the VRRP state of the instance
 * they follow, and the steps from what the kernel runs to that. Pure.
 *
 * keepalived is the reference (keepalived/check/ipvswrapper.c `ipvs_syncd_master` /
 * `ipvs_syncd_backup`, called from keepalived/vrrp/vrrp.c `vrrp_state_become_master` and
 * `vrrp_state_leave_master`): becoming MASTER stops the backup daemon and starts the master one;
 * leaving MASTER (to BACKUP or FAULT) stops the master daemon and starts the backup one. So a
 * MASTER multicasts its connection table and receives nothing, every other state listens.
 *
 * Where ours differs:
 *  - keepalived issues its stop/start pair blindly and logs the kernel's ESRCH / EEXIST; this
 *    planner compares with what GET_DAEMON reports and issues only the steps that change
 *    something, so a daemon already in the wanted state is left running (no gap in the sync
 *    stream), and one running with other settings (a different interface, sync id, group …)
 *    is restarted, which keepalived does only on a reload (`ipvs_syncd_changed`).
 *  - An instance in INITIALIZE (starting, or stopped by the agent) wants the backup daemon,
 *    as keepalived starts it for every instance that does not start as MASTER.
 *  - No settings (sync removed from the document) stops both daemons; keepalived does so on
 *    a reload that drops `lvs_sync_daemon`.
 */
import { canonicalAddress } from '../../../contract/ip.js';
import type { ObservedSyncDaemon, SyncDaemonConfig, SyncDaemonRole } from './daemon-model.js';
import { IP_VS_SYNC_DEFAULTS } from './ip-vs-h.js';

/** The document's sync settings, with the sync id resolved (keepalived: the VRID by default). */
export type SyncSettings = Omit<SyncDaemonConfig, 'role'>;

/** The VRRP state of the instance the daemons follow; undefined when it does not run here. */
export type FollowedState = 'initialize' | 'backup' | 'master' | 'fault' | undefined;

export type SyncDaemonStep =
  { type: 'stop'; role: SyncDaemonRole } | { type: 'start'; config: SyncDaemonConfig };

/** The daemons wanted: the master daemon while MASTER, the backup daemon otherwise. */
export function wantedDaemons(
  settings: SyncSettings | undefined,
  state: FollowedState,
): SyncDaemonConfig[] {
  if (settings === undefined) return [];
  return [{ ...settings, role: state === 'master' ? 'master' : 'backup' }];
}

/**
 * The steps from `observed` to `wanted`: stops first (a role not wanted, or running with other
 * settings), then starts, so a takeover is "stop backup, start master" as in keepalived.
 */
export function planSyncDaemons(
  observed: readonly ObservedSyncDaemon[],
  wanted: readonly SyncDaemonConfig[],
): SyncDaemonStep[] {
  const stops: SyncDaemonStep[] = [];
  const starts: SyncDaemonStep[] = [];
  for (const role of ['backup', 'master'] as const) {
    const running = observed.find((d) => d.role === role);
    const want = wanted.find((d) => d.role === role);
    if (running && !(want && runsAsWanted(running, want))) stops.push({ type: 'stop', role });
    if (want && !(running && runsAsWanted(running, want)))
      starts.push({ type: 'start', config: want });
  }
  return [...stops, ...starts];
}

/**
 * Whether a running daemon has the wanted settings: a field the document leaves out is
 * compared with the kernel's default. The max length is compared only when the document sets
 * it and the kernel reports it (4.7 and later); the contract keeps it in the range the kernel
 * takes as is (ip_vs_sync.c `start_sync_thread` clamps outside it).
 */
export function runsAsWanted(running: ObservedSyncDaemon, want: SyncDaemonConfig): boolean {
  const group = want.group ?? IP_VS_SYNC_DEFAULTS.group;
  return (
    running.role === want.role &&
    running.interface === want.interface &&
    running.syncId === want.syncId &&
    canonicalAddress(running.group) === canonicalAddress(group) &&
    running.port === (want.port ?? IP_VS_SYNC_DEFAULTS.port) &&
    running.ttl === (want.ttl ?? IP_VS_SYNC_DEFAULTS.ttl) &&
    (want.maxLengthBytes === undefined ||
      running.maxLengthBytes === 0 ||
      running.maxLengthBytes === want.maxLengthBytes)
  );
}
