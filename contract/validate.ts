/**
 * @module Semantic validation shared by both sides: the control plane runs it on every write
 * (422 with these issues), the agent on every document it reads (refuse, keep the last good one).
 * Schemas check shapes and ranges; this checks what spans fields and objects.
 */
import { addressRefusal } from './address-use.js';
import type { Issue } from './common.js';
import type { DesiredState } from './desired-state.js';
import { addressFamily, canonicalAddress } from './ip.js';
import { duplicates, instanceFamily } from './validate-helpers.js';
import { checkVirtualServers } from './validate-virtual-servers.js';
import {
  checkInstance,
  checkMemberTracks,
  checkIpvsSyncPerDirector,
  checkTrackedVirtualServers,
  checkVipsAcrossInstances,
  checkVrids,
} from './validate-vrrp.js';
import type { RealServerSpec, VirtualServerSpec } from './virtual-server.js';
import type { DirectorVrrpInstance, VrrpInstanceSpec } from './vrrp-instance.js';

export { formatPath, instanceFamily, virtualServerFamily } from './validate-helpers.js';
export { validateRealServers, virtualServerKey } from './validate-virtual-servers.js';

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
  const vsNames = new Set(site.virtualServers.map((v) => v.name));
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
      const source = m.unicastSource ?? director.address;
      if (inst.unicast && addressFamily(source) !== instanceFamily(inst))
        issues.push({
          path: [...memberPath, m.unicastSource === undefined ? 'director' : 'unicastSource'],
          message: `unicast needs an ${instanceFamily(inst)} address on director ${m.director}`,
        });
      issues.push(...checkMemberTracks(m.trackedChecks, vsNames, memberPath));
      vridEntries.push({ director: m.director, iface: m.interface ?? inst.interface, inst, path });
    });
  });
  issues.push(...checkVrids(vridEntries));
  issues.push(...checkIpvsSyncPerDirector(vridEntries));
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
  issues.push(...checkTrackedVirtualServers(site.vrrpInstances, vsNames, ['vrrpInstances']));
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
      // A peer is another director's address: the same addresses can never work there.
      const unusable = addressRefusal(peer, 'director');
      if (unusable !== undefined)
        issues.push({ path: [...path, 'unicastPeers', j], message: unusable });
      else if (addressFamily(peer) !== family)
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
    const sourceUnusable =
      inst.unicastSource === undefined ? undefined : addressRefusal(inst.unicastSource, 'director');
    if (sourceUnusable !== undefined)
      issues.push({ path: [...path, 'unicastSource'], message: sourceUnusable });
    else if (inst.unicastSource !== undefined && addressFamily(inst.unicastSource) !== family)
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
    ...checkIpvsSyncPerDirector(
      doc.vrrpInstances.map((inst, i) => ({ director: '', inst, path: ['vrrpInstances', i] })),
    ),
  );
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
