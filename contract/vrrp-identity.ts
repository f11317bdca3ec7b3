/**
 * @module What an edit of a VRRP instance disturbs. An instance is identified on the wire by its
 * interface, VRID, address family and protocol version (RFC 9568 §7.3: the VRID names the
 * virtual router on a LAN; §5.1/§5.2.1: the version and family select the packet format), so a
 * change of any of those is a different virtual router: it is re-created and re-elects. Every
 * other field (priority, VIPs, advert interval, preemption, peers, authentication, tracked
 * checks, notify hooks…) is applied in place to the running instance, in the state it is in.
 * Shared by the agent (what to restart) and the control plane (what a write will disturb). Pure.
 */
import { jsonEqual } from './json-equal.js';
import type { DirectorVrrpInstance } from './vrrp-instance.js';

/** The fields that name the virtual router; a change of one re-creates the instance. */
export const VRRP_IDENTITY_FIELDS = ['interface', 'vrid', 'family', 'version'] as const;
export type VrrpIdentityField = (typeof VRRP_IDENTITY_FIELDS)[number];

/** The instance fields an identity is made of (a director's instance or a stored one). */
export interface VrrpIdentitySource {
  interface: string;
  vrid: number;
  version: 2 | 3;
  vips: readonly { address: string; advertised?: boolean | undefined }[];
}

export interface VrrpIdentity {
  interface: string;
  vrid: number;
  family: 'ipv4' | 'ipv6';
  version: 2 | 3;
}

export function vrrpIdentity(instance: VrrpIdentitySource): VrrpIdentity {
  // The advertised VIPs' family (excluded ones may be of the other family).
  const first = instance.vips.find((v) => v.advertised !== false)?.address ?? '';
  return {
    interface: instance.interface,
    vrid: instance.vrid,
    family: first.includes(':') ? 'ipv6' : 'ipv4',
    version: instance.version,
  };
}

/** The identity fields that differ between two versions of an instance (empty: same router). */
export function identityChanges(
  before: VrrpIdentitySource,
  after: VrrpIdentitySource,
): VrrpIdentityField[] {
  const a = vrrpIdentity(before);
  const b = vrrpIdentity(after);
  return VRRP_IDENTITY_FIELDS.filter((field) => a[field] !== b[field]);
}

/** How one instance of a director changes from one document to the next. */
export type InstanceChange =
  | { kind: 'unchanged' }
  /** Same virtual router: the running instance takes the new settings in its current state. */
  | { kind: 'in-place'; fields: string[] }
  /** Another virtual router: the old one resigns, the new one starts and elects. */
  | { kind: 'recreate'; fields: VrrpIdentityField[] };

/** The top-level fields of a director's instance whose values differ, in a stable order. */
export function changedFields(before: object, after: object): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((key) => !jsonEqual(a[key], b[key]));
}

export function classifyInstanceChange(
  before: DirectorVrrpInstance,
  after: DirectorVrrpInstance,
): InstanceChange {
  const identity = identityChanges(before, after);
  if (identity.length > 0) return { kind: 'recreate', fields: identity };
  const fields = changedFields(before, after);
  return fields.length === 0 ? { kind: 'unchanged' } : { kind: 'in-place', fields };
}

/** What a new set of instances does to the running set, instance by instance. */
export interface InstanceSetChange {
  /** New names: start and elect. */
  start: string[];
  /** Names no longer wanted: resign and stop. */
  stop: string[];
  recreate: { name: string; fields: VrrpIdentityField[] }[];
  inPlace: { name: string; fields: string[] }[];
  unchanged: string[];
}

export function classifyInstanceSet(
  running: readonly DirectorVrrpInstance[],
  wanted: readonly DirectorVrrpInstance[],
): InstanceSetChange {
  const before = new Map(running.map((i) => [i.name, i]));
  const result: InstanceSetChange = {
    start: [],
    stop: [],
    recreate: [],
    inPlace: [],
    unchanged: [],
  };
  const names = new Set(wanted.map((i) => i.name));
  for (const old of running) if (!names.has(old.name)) result.stop.push(old.name);
  for (const next of wanted) {
    const old = before.get(next.name);
    if (old === undefined) {
      result.start.push(next.name);
      continue;
    }
    const change = classifyInstanceChange(old, next);
    if (change.kind === 'unchanged') result.unchanged.push(next.name);
    else if (change.kind === 'in-place')
      result.inPlace.push({ name: next.name, fields: change.fields });
    else result.recreate.push({ name: next.name, fields: change.fields });
  }
  return result;
}

/** A stored instance as far as its per-director identities go. */
export interface VrrpInstanceMembers extends VrrpIdentitySource {
  members: readonly { director: string; interface?: string | undefined }[];
}

/** One director's re-election caused by an edit of a stored instance. */
export interface DirectorReelection {
  director: string;
  fields: VrrpIdentityField[];
}

/**
 * The directors on which an edit of a stored instance re-creates the virtual router (a member's
 * interface is its own override or the instance's). Members added or removed are not listed:
 * the instance simply starts or stops there.
 */
export function reelections(
  before: VrrpInstanceMembers,
  after: VrrpInstanceMembers,
): DirectorReelection[] {
  const on = (instance: VrrpInstanceMembers, director: string): VrrpIdentitySource | undefined => {
    const member = instance.members.find((m) => m.director === director);
    return member && { ...instance, interface: member.interface ?? instance.interface };
  };
  return after.members.flatMap(({ director }) => {
    const old = on(before, director);
    const next = on(after, director);
    if (!old || !next) return [];
    const fields = identityChanges(old, next);
    return fields.length === 0 ? [] : [{ director, fields }];
  });
}
