/**
 * @module Semantic rules of VRRP instances (RFC 9568, RFC 3768): within an instance and across a site.
 */
import type { Issue } from './common.js';
import { addressFamily, canonicalAddress, maxPrefixLength } from './ip.js';
import { advertisedVips, duplicates, instanceFamily, type Path } from './validate-helpers.js';
import type { TrackedCheck, Vip } from './vrrp-instance.js';

export interface InstanceLike {
  name: string;
  vrid: number;
  version: 2 | 3;
  interface: string;
  advertIntervalCs: number;
  authPassword?: string | undefined;
  vips: Vip[];
  trackedChecks: TrackedCheck[];
}

/** Rules within one instance: RFC 3768 limits for v2, one family, prefix lengths, names. */
export function checkInstance(inst: InstanceLike, path: Path): Issue[] {
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
  } else if (advertisedVips(inst.vips).length === 0) {
    issues.push({
      path: [...path, 'vips'],
      message:
        'a VRRPv3 advert carries at least one address (RFC 9568 §5.2.5, erratum 8299): an instance without advertised VIPs (notify-only) runs version 2, as keepalived requires too',
    });
  } else if (inst.authPassword !== undefined) {
    issues.push({
      path: [...path, 'authPassword'],
      message: 'VRRPv3 has no authentication (RFC 9568 §9); remove it or use version 2',
    });
  }
  inst.vips.forEach((vip, i) => {
    const vipFamily = addressFamily(vip.address);
    // Excluded VIPs are not in the adverts: RFC 9568 §5.2.9's one family is the adverts'.
    if (vipFamily !== family && vip.advertised !== false)
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
/** A VIP belongs to one instance only. */
export function checkVipsAcrossInstances(instances: InstanceLike[], path: Path): Issue[] {
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
export function checkVrids(
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
export function checkTrackedVirtualServers(
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

/** A member's own tracked checks: unique names, and the virtual servers they track exist. */
export function checkMemberTracks(
  tracks: TrackedCheck[] | undefined,
  vsNames: Set<string>,
  path: Path,
): Issue[] {
  if (tracks === undefined) return [];
  return [
    ...duplicates(
      tracks.map((t) => t.name),
      [...path, 'trackedChecks'],
      'name',
      'tracked check',
    ),
    ...tracks.flatMap((t, j) =>
      t.type === 'virtual-server' && !vsNames.has(t.virtualServer)
        ? [
            {
              path: [...path, 'trackedChecks', j, 'virtualServer'],
              message: `no virtual server ${t.virtualServer}`,
            },
          ]
        : [],
    ),
  ];
}

/**
 * IPVS connection sync follows one instance per director: a network namespace runs one master
 * and one backup sync daemon at most (net/netfilter/ipvs/ip_vs_sync.c `start_sync_thread`), and
 * keepalived links `lvs_sync_daemon` to one instance.
 */
export function checkIpvsSyncPerDirector(
  entries: { director: string; inst: { name: string; ipvsSync?: unknown }; path: Path }[],
): Issue[] {
  const first = new Map<string, string>(); // director -> instance name
  const issues: Issue[] = [];
  for (const { director, inst, path } of entries) {
    if (inst.ipvsSync === undefined) continue;
    const other = first.get(director);
    if (other === undefined) first.set(director, inst.name);
    else if (other !== inst.name)
      issues.push({
        path: [...path, 'ipvsSync'],
        message: `IPVS connection sync already follows instance ${other}${director ? ` on director ${director}` : ''}: one instance per director (the kernel runs one master and one backup sync daemon)`,
      });
  }
  return issues;
}
