/**
 * @module The pure compiler from a site's rows to one director's desired-state document.
 * No I/O and no clock: the same snapshot always compiles to the same document, so the site's
 * revision is a faithful ETag for it.
 */
import {
  API_VERSION,
  CheckTiming,
  virtualServerFamily,
  type DesiredState,
  type DirectorMaintenance,
  type DirectorSpec,
  type DirectorVirtualServer,
  type DirectorVrrpInstance,
  type HealthCheck,
  type RealServerSpec,
  type VirtualServerSpec,
  type VrrpInstanceSpec,
} from '../../contract/index.js';

/** A consistent read of one site at one revision. */
export interface SiteSnapshot {
  site: { name: string; revision: number };
  directors: DirectorSpec[];
  vrrpInstances: VrrpInstanceSpec[];
  virtualServers: (VirtualServerSpec & { realServers: RealServerSpec[] })[];
  /** The directors in maintenance, by name (absent: none). */
  maintenance?: ReadonlyMap<string, DirectorMaintenance>;
}

const CHECK_TIMING_DEFAULTS = CheckTiming.parse({});

// snapshot -> director name -> address, built once per snapshot: a site with N directors
// compiles N documents, and a per-document lookup table would make that O(N²).
const addressIndex = new WeakMap<SiteSnapshot, Map<string, string>>();

function directorAddresses(snapshot: SiteSnapshot): Map<string, string> {
  let index = addressIndex.get(snapshot);
  if (!index) {
    index = new Map(snapshot.directors.map((d) => [d.name, d.address]));
    addressIndex.set(snapshot, index);
  }
  return index;
}

const byName = <T extends { name: string }>(a: T, b: T) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/**
 * Compiles the document `directorName` pulls, or undefined when the site has no such director.
 * @example compileDesiredState(snapshot, 'lb1')?.revision === snapshot.site.revision
 */
export function compileDesiredState(
  snapshot: SiteSnapshot,
  directorName: string,
): DesiredState | undefined {
  const addressOf = directorAddresses(snapshot);
  const address = addressOf.get(directorName);
  if (address === undefined) return undefined;
  const director = { name: directorName, address };
  const memberOf = new Set<string>();
  const vrrpInstances: DirectorVrrpInstance[] = [];
  for (const instance of [...snapshot.vrrpInstances].sort(byName)) {
    const member = instance.members.find((m) => m.director === directorName);
    if (!member) continue;
    memberOf.add(instance.name);
    vrrpInstances.push(compileInstance(instance, member, director.address, addressOf));
  }
  const virtualServers = [...snapshot.virtualServers]
    .filter((vs) => vs.vrrpInstance === undefined || memberOf.has(vs.vrrpInstance))
    .sort(byName)
    .map(compileVirtualServer);
  return {
    apiVersion: API_VERSION,
    kind: 'DirectorConfig',
    site: snapshot.site.name,
    director: {
      name: director.name,
      address: director.address,
      ...(snapshot.maintenance?.has(directorName) ? { maintenance: true } : {}),
    },
    revision: snapshot.site.revision,
    vrrpInstances,
    virtualServers,
  };
}

function compileInstance(
  instance: VrrpInstanceSpec,
  member: VrrpInstanceSpec['members'][number],
  ownAddress: string,
  addressOf: Map<string, string>,
): DirectorVrrpInstance {
  const { members, description: _description, labels: _labels, ...fields } = instance;
  // A member's own unicast source is where its peers send their adverts too.
  const peers = members
    .filter((m) => m.director !== member.director)
    .map((m) => m.unicastSource ?? addressOf.get(m.director))
    .filter((a): a is string => a !== undefined);
  return {
    ...fields,
    interface: member.interface ?? instance.interface,
    notify: member.notify ?? instance.notify,
    trackedChecks: member.trackedChecks ?? instance.trackedChecks,
    priority: member.priority,
    ...(instance.unicast ? { unicastSource: member.unicastSource ?? ownAddress } : {}),
    unicastPeers: instance.unicast ? peers : [],
  };
}

function compileVirtualServer(
  vs: VirtualServerSpec & { realServers: RealServerSpec[] },
): DirectorVirtualServer {
  const { description: _description, labels: _labels, realServers, ...fields } = vs;
  const timing = { ...CHECK_TIMING_DEFAULTS, ...vs.checkDefaults };
  return {
    ...fields,
    family: virtualServerFamily(vs),
    realServers: [...realServers].sort(byName).map((rs) => ({
      ...rs,
      // A file check (keepalived FILE_CHECK) has no timing: it follows its file.
      checks: rs.checks.map((check): HealthCheck =>
        check.type === 'file' ? check : { ...timing, ...check },
      ),
    })),
  };
}
