/**
 * @module A whole site as a flat set of objects keyed by (type, parent, name): how its history
 * stores it, how two versions of it are compared, and how it becomes the contents a revision
 * shows and the snapshot the compiler reads. Pure.
 */
import type {
  DirectorSpec,
  ObjectDiff,
  RealServerSpec,
  SiteContents,
  SiteSpec,
  VirtualServerSpec,
  VrrpInstanceSpec,
} from '../../contract/index.js';
import { changedFields } from '../../contract/index.js';
import { jsonEqual } from '../../contract/json-equal.js';
import type { SiteSnapshot } from './desired-state.js';

export type StateType = ObjectDiff['resourceType'];
export type StateSpec = Record<string, unknown> & { name: string };

export interface StateKey {
  type: StateType;
  /** A real server's virtual server; '' for every other object. */
  parent: string;
  name: string;
}

export interface StateEntry extends StateKey {
  spec: StateSpec;
}

/** A site's objects by `keyString`. */
export type SiteState = Map<string, StateEntry>;

const PLURAL: Record<Exclude<StateType, 'site'>, string> = {
  director: 'directors',
  'vrrp-instance': 'vrrp-instances',
  'virtual-server': 'virtual-servers',
  'real-server': 'real-servers',
};

/** Parents before children: the order in which creations keep every reference valid. */
export const CREATE_ORDER: readonly StateType[] = [
  'site',
  'director',
  'vrrp-instance',
  'virtual-server',
  'real-server',
];

export const keyString = (k: StateKey) => `${k.type}\u0000${k.parent}\u0000${k.name}`;

/** The audit log's resource path of an object: `ams1/virtual-servers/web/real-servers/web1`. */
export function resourceOf(site: string, key: StateKey): string {
  if (key.type === 'site') return site;
  if (key.type === 'real-server')
    return `${site}/virtual-servers/${key.parent}/real-servers/${key.name}`;
  return `${site}/${PLURAL[key.type]}/${key.name}`;
}

/** The inverse of `resourceOf` (names never contain '/'). */
export function keyOfResource(type: StateType, resource: string): StateKey {
  const parts = resource.split('/');
  if (type === 'site') return { type, parent: '', name: parts[0] ?? '' };
  if (type === 'real-server') return { type, parent: parts[2] ?? '', name: parts[4] ?? '' };
  return { type, parent: '', name: parts[parts.length - 1] ?? '' };
}

const byName = (a: { name: string }, b: { name: string }) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

function ofType(state: SiteState, type: StateType): StateEntry[] {
  return [...state.values()].filter((e) => e.type === type).sort(byName);
}

/** The contents of a site as the API shows a revision (real servers of a missing parent dropped). */
export function contentsOf(siteName: string, state: SiteState): SiteContents {
  const realServers = ofType(state, 'real-server');
  return {
    spec: (ofType(state, 'site')[0]?.spec ?? { name: siteName, labels: {} }) as SiteSpec,
    directors: ofType(state, 'director').map((e) => e.spec as DirectorSpec),
    vrrpInstances: ofType(state, 'vrrp-instance').map((e) => e.spec as VrrpInstanceSpec),
    virtualServers: ofType(state, 'virtual-server').map((vs) => ({
      ...(vs.spec as VirtualServerSpec),
      realServers: realServers
        .filter((rs) => rs.parent === vs.name)
        .map((rs) => rs.spec as RealServerSpec),
    })),
  };
}

/** What the compiler reads, for the effect of a change on each director. */
export function snapshotOf(siteName: string, revision: number, state: SiteState): SiteSnapshot {
  const { directors, vrrpInstances, virtualServers } = contentsOf(siteName, state);
  return { site: { name: siteName, revision }, directors, vrrpInstances, virtualServers };
}

/** One object's difference, with its key (for writing it). */
export type KeyedDiff = ObjectDiff & { key: string; parent: string; name: string };

/** The wire form of a diff. */
export const wireDiff = ({ key: _k, parent: _p, name: _n, ...diff }: KeyedDiff): ObjectDiff => diff;

/** The objects that differ from `from` to `to`, parents first, then by resource. */
export function diffStates(siteName: string, from: SiteState, to: SiteState): KeyedDiff[] {
  const keys = [...new Set([...from.keys(), ...to.keys()])];
  const diffs: (KeyedDiff & { order: number })[] = [];
  for (const key of keys) {
    const old = from.get(key);
    const next = to.get(key);
    if (old && next && jsonEqual(old.spec, next.spec)) continue;
    const entry = (next ?? old)!;
    diffs.push({
      key,
      parent: entry.parent,
      name: entry.name,
      order: CREATE_ORDER.indexOf(entry.type),
      resourceType: entry.type,
      resource: resourceOf(siteName, entry),
      change: !old ? 'created' : !next ? 'deleted' : 'updated',
      fields: old && next ? changedFields(old.spec, next.spec) : [],
      ...(old ? { before: old.spec } : {}),
      ...(next ? { after: next.spec } : {}),
    });
  }
  return diffs
    .sort(
      (a, b) =>
        a.order - b.order || (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0),
    )
    .map(({ order: _order, ...diff }) => diff);
}
