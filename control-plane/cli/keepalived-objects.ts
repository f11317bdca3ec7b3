/**
 * @module Turns one director's desired-state document (from an imported keepalived.conf) into the
 * API objects that produce it: the site (when missing), the director, its VRRP instances (this
 * director's membership merged into existing members), virtual servers and real servers.
 * Operator metadata the document cannot carry (labels, descriptions, metrics address) is kept
 * from existing objects. Pure: the caller fetches what exists.
 */
import type { DesiredState } from '../../contract/index.js';
import { canonicalAddress } from '../../contract/index.js';
import { jsonEqual } from '../../contract/json-equal.js';
import type { ApiObject, ManifestKind, ObjectRef } from './kinds.js';

export interface ImportedObject {
  ref: ObjectRef;
  spec: Record<string, unknown>;
}

/** What exists already, keyed by `refKey`. */
export type Existing = ReadonlyMap<string, ApiObject>;

export const refKey = (kind: ManifestKind, ...path: (string | undefined)[]) =>
  [kind, ...path.filter((p) => p !== undefined)].join('/');

/**
 * Fields a keepalived.conf never sets meaningfully (labels, descriptions, the metrics address) or
 * that are operator intent rather than configuration (a real server's admin state: re-importing
 * must not undrain it): an existing object's values win.
 */
const KEPT_FIELDS = ['labels', 'description', 'metricsAddress', 'adminState'];

function keepMetadata(spec: Record<string, unknown>, existing: ApiObject | undefined) {
  if (!existing) return spec;
  const kept = KEPT_FIELDS.filter((f) => existing[f] !== undefined).map((f) => [f, existing[f]]);
  return { ...spec, ...Object.fromEntries(kept) };
}

type Member = Record<string, unknown> & { director: string };
type InstanceFields = Omit<
  DesiredState['vrrpInstances'][number],
  'priority' | 'unicastSource' | 'unicastPeers'
>;

const sameAddress = (a: string, b: string) =>
  (canonicalAddress(a) ?? a) === (canonicalAddress(b) ?? b);

/** Settings each director of a pair may hold on its own (VrrpMember overrides). */
const PER_DIRECTOR = ['interface', 'notify', 'trackedChecks'] as const;

/**
 * The instance-wide settings and this director's own. The first director to import an instance
 * sets them instance-wide; a later one (the other half of a pair) keeps the instance's and gets
 * its own only where its file differs, so each director runs what its keepalived.conf says.
 */
function ownSettings(
  fields: InstanceFields,
  current: ApiObject | undefined,
  members: Member[],
  director: string,
): { spec: Record<string, unknown>; mine: Record<string, unknown> } {
  const others = members.filter((m) => m.director !== director);
  if (current === undefined || others.length === 0) return { spec: fields, mine: {} };
  const spec: Record<string, unknown> = { ...fields };
  const mine: Record<string, unknown> = {};
  for (const key of PER_DIRECTOR) {
    // A stored instance always has them (defaults filled); the file's stand in otherwise.
    const shared = current[key] ?? fields[key];
    spec[key] = shared;
    if (!jsonEqual(fields[key], shared)) mine[key] = fields[key];
  }
  return { spec, mine };
}

export function objectsFromDocument(
  doc: DesiredState,
  existing: Existing,
): { objects: ImportedObject[]; notes: string[] } {
  const site = doc.site;
  const director = doc.director.name;
  const notes: string[] = [];
  const objects: ImportedObject[] = [];
  const add = (kind: ManifestKind, spec: Record<string, unknown>, virtualServer?: string) => {
    const name = String(spec.name);
    const ref: ObjectRef = {
      kind,
      name,
      ...(kind === 'Site' ? {} : { site }),
      ...(virtualServer ? { virtualServer } : {}),
    };
    const current = existing.get(
      refKey(kind, kind === 'Site' ? undefined : site, virtualServer, name),
    );
    objects.push({ ref, spec: keepMetadata(spec, current) });
  };

  if (!existing.has(refKey('Site', site))) add('Site', { name: site });
  add('Director', { name: director, address: doc.director.address });

  const vipOwners = new Map<string, string[]>();
  const directorAddresses = new Set(
    [...existing.entries()]
      .filter(([key]) => key.startsWith(`${refKey('Director', site)}/`))
      .map(([, o]) => canonicalAddress(String(o.address)) ?? String(o.address)),
  );
  for (const instance of doc.vrrpInstances) {
    const { priority, unicastSource, unicastPeers, ...fields } = instance;
    const current = existing.get(refKey('VrrpInstance', site, instance.name));
    const members = (current?.members as Member[] | undefined) ?? [];
    const { spec, mine } = ownSettings(fields, current, members, director);
    const own: Member = {
      ...mine,
      director,
      priority,
      ...(unicastSource !== undefined && !sameAddress(unicastSource, doc.director.address)
        ? { unicastSource }
        : {}),
    };
    // In place: re-importing a director keeps the members' order.
    const merged = members.some((m) => m.director === director)
      ? members.map((m) => (m.director === director ? own : m))
      : [...members, own];
    add('VrrpInstance', { ...spec, members: merged });
    for (const vip of instance.vips) {
      const key = canonicalAddress(vip.address) ?? vip.address;
      vipOwners.set(key, [...(vipOwners.get(key) ?? []), instance.name]);
    }
    const sources = members.flatMap((m) =>
      typeof m.unicastSource === 'string' ? [m.unicastSource] : [],
    );
    const unknownPeers = unicastPeers.filter(
      (peer) =>
        !directorAddresses.has(canonicalAddress(peer) ?? peer) &&
        !sources.some((source) => sameAddress(source, peer)),
    );
    if (unknownPeers.length > 0)
      notes.push(
        `vrrp instance ${instance.name}: unicast peers ${unknownPeers.join(', ')} are not directors of site ${site} yet; import their configurations too (members are the directors, peers follow from them)`,
      );
  }

  for (const vs of doc.virtualServers) {
    const { realServers, family, ...fields } = vs;
    const spec: Record<string, unknown> = {
      ...fields,
      ...(vs.fwmark !== undefined ? { family } : {}),
    };
    if (spec.vrrpInstance === undefined && vs.address !== undefined) {
      const owners = vipOwners.get(canonicalAddress(vs.address) ?? vs.address) ?? [];
      if (owners.length === 1) spec.vrrpInstance = owners[0];
      else
        notes.push(
          `virtual server ${vs.name}: its address is no VIP of an imported VRRP instance; every director of the site will carry it`,
        );
    }
    add('VirtualServer', spec);
    for (const rs of realServers) add('RealServer', { ...rs }, vs.name);
  }
  return { objects, notes };
}
