/**
 * @module Turns one director's desired-state document (from an imported keepalived.conf) into the
 * API objects that produce it: the site (when missing), the director, its VRRP instances (this
 * director's membership merged into existing members), virtual servers and real servers.
 * Operator metadata the document cannot carry (labels, descriptions, metrics address) is kept
 * from existing objects. Pure: the caller fetches what exists.
 */
import type { DesiredState } from '../../contract/index.js';
import { canonicalAddress } from '../../contract/index.js';
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
    const { priority, unicastSource: _source, unicastPeers, ...fields } = instance;
    const current = existing.get(refKey('VrrpInstance', site, instance.name));
    const members = (current?.members as { director: string }[] | undefined) ?? [];
    const others = members.filter((m) => m.director !== director);
    // A per-member interface override set through the API stays.
    const mine = { ...members.find((m) => m.director === director), director, priority };
    add('VrrpInstance', { ...fields, members: [...others, mine] });
    for (const vip of instance.vips) {
      const key = canonicalAddress(vip.address) ?? vip.address;
      vipOwners.set(key, [...(vipOwners.get(key) ?? []), instance.name]);
    }
    const unknownPeers = unicastPeers.filter(
      (peer) => !directorAddresses.has(canonicalAddress(peer) ?? peer),
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
