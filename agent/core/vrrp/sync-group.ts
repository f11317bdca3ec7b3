/**
 * @module keepalived `vrrp_sync_group` semantics (keepalived/vrrp/vrrp_sync.c): the instances of a
 * group change state together. Given the group's current states and one member's transition, say
 * which transitions the other members must take:
 * - one goes FAULT → every other running member goes FAULT (`vrrp_sync_fault`);
 * - one goes BACKUP → every other master goes BACKUP (`vrrp_sync_backup`);
 * - one goes MASTER → every other backup goes MASTER (`vrrp_sync_master`). keepalived only lets a
 *   member take MASTER when every member wants it (`vrrp_sync_can_goto_master`, "prefer backup
 *   state to avoid thrashing"); `syncGroupMayBecomeMaster` is that gate.
 */
import type { VrrpStateName } from './machine-types.js';

export interface SyncMember {
  name: string;
  state: VrrpStateName;
}

export interface SyncTransition {
  name: string;
  to: 'master' | 'backup' | 'fault';
}

/** Which states a member must be in to follow the group to `to`. */
const FOLLOWS_FROM: Record<SyncTransition['to'], readonly VrrpStateName[]> = {
  fault: ['backup', 'master'],
  backup: ['master'],
  master: ['backup'],
};

/** The transitions the other members of a sync group must take after `change`. */
export function syncGroupTransitions(
  members: readonly SyncMember[],
  change: SyncTransition,
): SyncTransition[] {
  const from = FOLLOWS_FROM[change.to];
  return members
    .filter((m) => m.name !== change.name && from.includes(m.state))
    .map((m) => ({ name: m.name, to: change.to }));
}

/** keepalived `vrrp_sync_can_goto_master`: the group goes master only if every member wants to. */
export function syncGroupMayBecomeMaster(wantsMaster: readonly boolean[]): boolean {
  return wantsMaster.every(Boolean);
}
