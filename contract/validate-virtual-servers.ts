/**
 * @module Semantic rules of virtual servers (IPVS services) and their real servers (destinations).
 */
import type { Issue } from './common.js';
import { addressFamily, canonicalAddress, maxPrefixLength } from './ip.js';
import { duplicates, virtualServerFamily, type Path } from './validate-helpers.js';
import type { InstanceLike } from './validate-vrrp.js';
import type { RealServerSpec, VirtualServerSpec } from './virtual-server.js';

export type VirtualServerLike = Omit<VirtualServerSpec, 'description' | 'labels'>;
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
  // ip_vs_ctl.c refuses an IPv6 persistence prefix outside 1-128 (EINVAL).
  if (vs.persistence?.netmask === 0 && family === 'ipv6')
    issues.push({
      path: [...path, 'persistence', 'netmask'],
      message: 'must be at least 1 for ipv6',
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
    // The kernel refuses lower > upper with ERANGE even when upper is 0 ("no limit").
    if (rs.lowerThreshold > rs.upperThreshold)
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

export function checkVirtualServers(
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
