/**
 * @module Roles and what they may do.
 * - admin: everything, including secrets and tokens;
 * - operator: read everything but secrets; change real servers' weight and admin state (drain);
 * - viewer: read everything but secrets;
 * - agent: one per director: read its own desired state, write its own status.
 */
import { ROLES, type Role } from '../../contract/token.js';

export { ROLES, type Role };

export type Permission = 'read' | 'write' | 'operate' | 'secrets' | 'agent';

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: ['read', 'write', 'operate', 'secrets'],
  operator: ['read', 'operate'],
  viewer: ['read'],
  agent: ['agent'],
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}
