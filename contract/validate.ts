/**
 * @module Semantic validation shared by both sides: the control plane runs it on every write
 * (422 with these issues), the agent on every document it reads (refuse, keep the last good one).
 * Schemas check shapes and ranges; this checks what spans fields and objects.
 */
import type { Issue } from './common.js';
import type { DesiredState } from './desired-state.js';
import { addressFamily, canonicalAddress, maxPrefixLength, type IpFamily } from './ip.js';
import type { RealServerSpec, VirtualServerSpec } from './virtual-server.js';
import type { DirectorVrrpInstance, TrackedCheck, Vip, VrrpInstanceSpec } from './vrrp-instance.js';

type Path = (string | number)[];

interface InstanceLike {
  name: string;
  vrid: number;
  version: 2 | 3;
  interface: string;
  advertIntervalCs: number;
  authPassword?: string | undefined;
  vips: Vip[];
  trackedChecks: TrackedCheck[];
}

type VirtualServerLike = Omit<VirtualServerSpec, 'description' | 'labels'>;

/** The address family of an instance: that of its first VIP. */
export function instanceFamily(instance: { vips: Vip[] }): IpFamily {
  return addressFamily(instance.vips[0]?.address ?? '') ?? 'ipv4';
}

/** The family of a virtual server: explicit for fwmark services, else its address's. */
export function virtualServerFamily(vs: {
  address?: string | undefined;
  family?: IpFamily | undefined;
}): IpFamily {
  return vs.family ?? addressFamily(vs.address ?? '') ?? 'ipv4';
}

/** Rules within one instance: RFC 3768 limits for v2, one family, prefix lengths, names. */
function checkInstance(inst: InstanceLike, path: Path): Issue[] {
  const issues: Issue[] = [];
  const family = instanceFamily(inst);
  if (inst.version === 3 && inst.advertIntervalCs > 4095) {
    issues.push({
      path: [...path, 'advertIntervalCs'],
      message: 'VRRPv3 adverts are at most 4095 cs (RFC 9568 §5.2.7: a 12-bit field)',
    });
  }
  if (inst.version === 2) {
    // RFC 3768 §5.3.7: Adver Int is an 8-bit count of seconds; VRRPv2 is IPv4 only (§1).
    if (inst.advertIntervalCs % 100 !== 0 || inst.advertIntervalCs > 25500)
      issues.push({
        path: [...path, 'advertIntervalCs'],
        message: 'VRRPv2 adverts are whole seconds: a multiple of 100 cs up to 25500',
      });
    if (family !== 'ipv4')
      issues.push({
        path: [...path, 'version'],
        message: 'VRRPv2 carries IPv4 only; use version 3 for IPv6',
      });
  } else if (inst.authPassword !== undefined) {
    issues.push({
      path: [...path, 'authPassword'],
      message: 'VRRPv3 has no authentication (RFC 9568 §9); remove it or use version 2',
    });
  }
  inst.vips.forEach((vip, i) => {
    const vipFamily = addressFamily(vip.address);
    if (vipFamily !== family)
      issues.push({
        path: [...path, 'vips', i, 'address'],
        message: `every VIP of an instance must be ${family} (RFC 9568 §5.2.9: one family per instance)`,
      });
    if (
      vipFamily &&
      vip.prefixLength !== undefined &&
      vip.prefixLength > maxPrefixLength(vipFamily)
    )
      issues.push({
        path: [...path, 'vips', i, 'prefixLength'],
        message: `must be at most ${maxPrefixLength(vipFamily)}`,
      });
  });
  issues.push(
    ...duplicates(
      inst.vips.map((v) => canonicalAddress(v.address) ?? v.address),
      [...path, 'vips'],
      'address',
      'VIP',
    ),
  );
  issues.push(
    ...duplicates(
      inst.trackedChecks.map((t) => t.name),
      [...path, 'trackedChecks'],
      'name',
      'tracked check',
    ),
  );
  return issues;
}

/** Issues for values repeated in a list (reported at every later occurrence). */
function duplicates(keys: string[], path: Path, field: string, what: string): Issue[] {
  const first = new Map<string, number>();
  const issues: Issue[] = [];
  keys.forEach((key, i) => {
    const seen = first.get(key);
    if (seen === undefined) first.set(key, i);
    else
      issues.push({
        path: [...path, i, field],
        message: `duplicate ${what} ${key} (also at index ${seen})`,
      });
  });
  return issues;
}

/** A VIP belongs to one instance only. */
function checkVipsAcrossInstances(instances: InstanceLike[], path: Path): Issue[] {
  const owner = new Map<string, string>(); // canonical vip -> instance name
  const issues: Issue[] = [];
  instances.forEach((inst, i) =>
    inst.vips.forEach((vip, j) => {
      const key = canonicalAddress(vip.address) ?? vip.address;
      const other = owner.get(key);
      if (other !== undefined && other !== inst.name)
        issues.push({
          path: [...path, i, 'vips', j, 'address'],
          message: `VIP ${key} is already in VRRP instance ${other}`,
        });
      else owner.set(key, inst.name);
    }),
  );
  return issues;
}

/** One VRID per interface and family on a director (RFC 9568 §7.3: the VRID names the router). */
function checkVrids(
  entries: { director: string; iface: string; inst: InstanceLike; path: Path }[],
): Issue[] {
  const taken = new Map<string, string>(); // director/iface/family/vrid -> instance name
  const reported = new Set<string>(); // instance name: one issue each, however many directors share the clash
  const issues: Issue[] = [];
  for (const { director, iface, inst, path } of entries) {
    const key = `${director}/${iface}/${instanceFamily(inst)}/${inst.vrid}`;
    const other = taken.get(key);
    if (other === undefined) taken.set(key, inst.name);
    else if (other !== inst.name && !reported.has(inst.name)) {
      reported.add(inst.name);
      issues.push({
        path: [...path, 'vrid'],
        message: `VRID ${inst.vrid} is already used on ${iface} by instance ${other}${director ? ` (director ${director})` : ''}`,
      });
    }
  }
  return issues;
}

/** Tracked checks of type virtual-server must name a virtual server that exists. */
function checkTrackedVirtualServers(
  instances: InstanceLike[],
  vsNames: Set<string>,
  path: Path,
): Issue[] {
  return instances.flatMap((inst, i) =>
    inst.trackedChecks.flatMap((t, j) =>
      t.type === 'virtual-server' && !vsNames.has(t.virtualServer)
        ? [
            {
              path: [...path, i, 'trackedChecks', j, 'virtualServer'],
              message: `no virtual server ${t.virtualServer}`,
            },
          ]
        : [],
    ),
  );
}

/** Rules within one virtual server. */
function checkVirtualServer(
  vs: VirtualServerLike,
  vipsOf: (instance: string) => Set<string> | undefined,
  path: Path,
): Issue[] {
  const issues: Issue[] = [];
  const byAddress = vs.address !== undefined || vs.port !== undefined || vs.protocol !== undefined;
  if (vs.fwmark !== undefined && byAddress)
    issues.push({
      path,
      message: 'a virtual server is either fwmark or address/port/protocol, not both',
    });
  if (
    vs.fwmark === undefined &&
    (vs.address === undefined || vs.port === undefined || vs.protocol === undefined)
  )
    issues.push({ path, message: 'address, port and protocol are required (or fwmark)' });
  if (vs.fwmark !== undefined && vs.family === undefined)
    issues.push({
      path: [...path, 'family'],
      message: 'family is required for a fwmark virtual server',
    });
  const family = virtualServerFamily(vs);
  if (
    vs.address !== undefined &&
    vs.family !== undefined &&
    addressFamily(vs.address) !== vs.family
  )
    issues.push({
      path: [...path, 'family'],
      message: `address ${vs.address} is not ${vs.family}`,
    });
  if (vs.port === 0 && vs.persistence === undefined)
    issues.push({ path: [...path, 'port'], message: 'port 0 (all ports) needs persistence' });
  if (vs.persistence?.netmask !== undefined && vs.persistence.netmask > maxPrefixLength(family))
    issues.push({
      path: [...path, 'persistence', 'netmask'],
      message: `must be at most ${maxPrefixLength(family)} for ${family}`,
    });
  if (
    vs.sorryServer &&
    addressFamily(vs.sorryServer.address) !== family &&
    (vs.sorryServer.forwarding ?? vs.forwarding) !== 'tun'
  )
    issues.push({
      path: [...path, 'sorryServer', 'address'],
      message: `must be ${family} like the virtual server`,
    });
  const schedulerFamily = vs.schedulerFlags.find(
    (f) => !f.startsWith(vs.scheduler === 'mh' ? 'mh-' : 'sh-'),
  );
  if (
    schedulerFamily !== undefined ||
    (vs.schedulerFlags.length > 0 && vs.scheduler !== 'sh' && vs.scheduler !== 'mh')
  )
    issues.push({
      path: [...path, 'schedulerFlags'],
      message: `flags ${vs.schedulerFlags.join(', ')} do not apply to scheduler ${vs.scheduler}`,
    });
  if (vs.vrrpInstance !== undefined) {
    const vips = vipsOf(vs.vrrpInstance);
    if (!vips)
      issues.push({
        path: [...path, 'vrrpInstance'],
        message: `no VRRP instance ${vs.vrrpInstance}`,
      });
    else if (vs.address !== undefined && !vips.has(canonicalAddress(vs.address) ?? vs.address))
      issues.push({
        path: [...path, 'address'],
        message: `${vs.address} is not a VIP of VRRP instance ${vs.vrrpInstance}`,
      });
  }
  if (vs.quorum > 0 && vs.hysteresis >= vs.quorum)
    issues.push({ path: [...path, 'hysteresis'], message: 'must be smaller than quorum' });
  return issues;
}

/** The identity of a virtual server in the kernel (what IPVS keys services by). */
export function virtualServerKey(
  vs: Pick<VirtualServerLike, 'fwmark' | 'family' | 'address' | 'port' | 'protocol'>,
): string {
  if (vs.fwmark !== undefined) return `fwmark:${virtualServerFamily(vs)}:${vs.fwmark}`;
  return `${vs.protocol}:[${canonicalAddress(vs.address ?? '') ?? vs.address}]:${vs.port}`;
}

/** Rules for the real servers of one virtual server. */
export function validateRealServers(
  vs: VirtualServerLike,
  realServers: RealServerSpec[],
  path: Path,
): Issue[] {
  const issues: Issue[] = [];
  const family = virtualServerFamily(vs);
  realServers.forEach((rs, i) => {
    const forwarding = rs.forwarding ?? vs.forwarding;
    if (addressFamily(rs.address) !== family && forwarding !== 'tun')
      issues.push({
        path: [...path, i, 'address'],
        message: `must be ${family} like the virtual server (only tunnelling mixes families)`,
      });
    if (forwarding !== 'nat' && vs.port !== undefined && vs.port !== 0 && rs.port !== vs.port)
      issues.push({
        path: [...path, i, 'port'],
        message: `${forwarding} forwarding cannot change the port: must be ${vs.port}`,
      });
    if (forwarding === 'nat' && rs.port === 0 && vs.fwmark === undefined && vs.port !== 0)
      issues.push({
        path: [...path, i, 'port'],
        message: 'NAT forwarding needs a real server port',
      });
    if (rs.upperThreshold > 0 && rs.lowerThreshold > rs.upperThreshold)
      issues.push({
        path: [...path, i, 'lowerThreshold'],
        message: 'must not exceed upperThreshold',
      });
  });
  issues.push(
    ...duplicates(
      realServers.map((r) => r.name),
      path,
      'name',
      'real server name',
    ),
  );
  issues.push(
    ...duplicates(
      realServers.map((r) => `[${canonicalAddress(r.address) ?? r.address}]:${r.port}`),
      path,
      'address',
      'real server',
    ),
  );
  return issues;
}

function vipIndex(instances: InstanceLike[]): (name: string) => Set<string> | undefined {
  const index = new Map(
    instances.map((i) => [
      i.name,
      new Set(i.vips.map((v) => canonicalAddress(v.address) ?? v.address)),
    ]),
  );
  return (name) => index.get(name);
}

function checkVirtualServers(
  vss: (VirtualServerLike & { realServers?: RealServerSpec[] })[],
  instances: InstanceLike[],
  path: Path,
): Issue[] {
  const vipsOf = vipIndex(instances);
  const issues = vss.flatMap((vs, i) => [
    ...checkVirtualServer(vs, vipsOf, [...path, i]),
    ...(vs.realServers ? validateRealServers(vs, vs.realServers, [...path, i, 'realServers']) : []),
  ]);
  issues.push(
    ...duplicates(
      vss.map((vs) => vs.name),
      path,
      'name',
      'virtual server name',
    ),
  );
  issues.push(...duplicates(vss.map(virtualServerKey), path, 'address', 'virtual server'));
  return issues;
}

/** What the API validates on write: a site's directors, instances and virtual servers. */
export interface SiteModel {
  directors: { name: string; address: string }[];
  vrrpInstances: VrrpInstanceSpec[];
  /** Real servers may be left out when a write does not touch them. */
  virtualServers: (VirtualServerSpec & { realServers?: RealServerSpec[] })[];
}

/**
 * Validates a whole site (or the parts of it a write touches).
 * @example validateSite({ directors, vrrpInstances, virtualServers }) // [] when consistent
 */
export function validateSite(site: SiteModel): Issue[] {
  const directors = new Map(site.directors.map((d) => [d.name, d]));
  const issues: Issue[] = [];
  const vridEntries: Parameters<typeof checkVrids>[0] = [];
  site.vrrpInstances.forEach((inst, i) => {
    const path = ['vrrpInstances', i];
    issues.push(...checkInstance(inst, path));
    issues.push(
      ...duplicates(
        inst.members.map((m) => m.director),
        [...path, 'members'],
        'director',
        'member',
      ),
    );
    inst.members.forEach((m, j) => {
      const director = directors.get(m.director);
      const memberPath = [...path, 'members', j];
      if (!director)
        return issues.push({
          path: [...memberPath, 'director'],
          message: `no director ${m.director} in this site`,
        });
      if (
        m.priority === 255 &&
        !inst.vips.some((v) => canonicalAddress(v.address) === canonicalAddress(director.address))
      )
        issues.push({
          path: [...memberPath, 'priority'],
          message:
            "255 is for the address owner: the director's address must be a VIP (RFC 9568 §6.1)",
        });
      if (inst.unicast && addressFamily(director.address) !== instanceFamily(inst))
        issues.push({
          path: [...memberPath, 'director'],
          message: `unicast needs an ${instanceFamily(inst)} address on director ${m.director}`,
        });
      vridEntries.push({ director: m.director, iface: m.interface ?? inst.interface, inst, path });
    });
  });
  issues.push(...checkVrids(vridEntries));
  issues.push(...checkVipsAcrossInstances(site.vrrpInstances, ['vrrpInstances']));
  issues.push(
    ...duplicates(
      site.vrrpInstances.map((i) => i.name),
      ['vrrpInstances'],
      'name',
      'VRRP instance name',
    ),
  );
  issues.push(...checkVirtualServers(site.virtualServers, site.vrrpInstances, ['virtualServers']));
  issues.push(
    ...checkTrackedVirtualServers(
      site.vrrpInstances,
      new Set(site.virtualServers.map((v) => v.name)),
      ['vrrpInstances'],
    ),
  );
  return issues;
}

/** What the agent validates on read: the document it is about to apply. */
export function validateDesiredState(doc: DesiredState): Issue[] {
  const issues: Issue[] = [];
  doc.vrrpInstances.forEach((inst: DirectorVrrpInstance, i) => {
    issues.push(...checkInstance(inst, ['vrrpInstances', i]));
    const path = ['vrrpInstances', i];
    const family = instanceFamily(inst);
    const own = canonicalAddress(doc.director.address);
    if (inst.unicast && inst.unicastPeers.length === 0)
      issues.push({ path: [...path, 'unicastPeers'], message: 'unicast needs at least one peer' });
    inst.unicastPeers.forEach((peer, j) => {
      if (addressFamily(peer) !== family)
        issues.push({
          path: [...path, 'unicastPeers', j],
          message: `must be ${family} like the instance`,
        });
      else if (canonicalAddress(peer) === own)
        issues.push({
          path: [...path, 'unicastPeers', j],
          message: "is this director's own address",
        });
    });
    issues.push(
      ...duplicates(
        inst.unicastPeers.map((p) => canonicalAddress(p) ?? p),
        [...path, 'unicastPeers'],
        'address',
        'peer',
      ),
    );
    if (inst.unicastSource !== undefined && addressFamily(inst.unicastSource) !== family)
      issues.push({
        path: [...path, 'unicastSource'],
        message: `must be ${family} like the instance`,
      });
    if (inst.priority === 255 && !inst.vips.some((v) => canonicalAddress(v.address) === own))
      issues.push({
        path: [...path, 'priority'],
        message:
          "255 is for the address owner: the director's address must be a VIP (RFC 9568 §6.1)",
      });
  });
  issues.push(
    ...checkVrids(
      doc.vrrpInstances.map((inst, i) => ({
        director: '',
        iface: inst.interface,
        inst,
        path: ['vrrpInstances', i],
      })),
    ),
  );
  issues.push(...checkVipsAcrossInstances(doc.vrrpInstances, ['vrrpInstances']));
  issues.push(
    ...duplicates(
      doc.vrrpInstances.map((i) => i.name),
      ['vrrpInstances'],
      'name',
      'VRRP instance name',
    ),
  );
  issues.push(
    ...checkVirtualServers(
      doc.virtualServers.map((vs) => ({ ...vs, labels: {} })),
      doc.vrrpInstances,
      ['virtualServers'],
    ),
  );
  issues.push(
    ...checkTrackedVirtualServers(
      doc.vrrpInstances,
      new Set(doc.virtualServers.map((v) => v.name)),
      ['vrrpInstances'],
    ),
  );
  return issues;
}

/** Formats an issue path the way problem details and agent NACKs carry it: `vips[0].address`. */
export function formatPath(path: (string | number)[]): string {
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part),
    '',
  );
}
