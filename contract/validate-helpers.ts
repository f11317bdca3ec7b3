/**
 * @module Small pieces the semantic validators share: paths, duplicate detection, families.
 */
import type { Issue } from './common.js';
import { addressFamily, type IpFamily } from './ip.js';
import type { Vip } from './vrrp-instance.js';

export type Path = (string | number)[];
/**
 * The address family of an instance: that of its first advertised VIP; IPv4 without VIPs (a notify-only
 * instance, as keepalived's vrrp.c vrrp_complete_instance() "Default to IPv4").
 */
export function instanceFamily(instance: { vips: Vip[] }): IpFamily {
  return addressFamily(advertisedVips(instance.vips)[0]?.address ?? '') ?? 'ipv4';
}

/** The VIPs an instance's adverts carry (not keepalived's virtual_ipaddress_excluded). */
export function advertisedVips<V extends { advertised?: boolean | undefined }>(
  vips: readonly V[],
): V[] {
  return vips.filter((v) => v.advertised !== false);
}

/** The family of a virtual server: explicit for fwmark services, else its address's. */
export function virtualServerFamily(vs: {
  address?: string | undefined;
  family?: IpFamily | undefined;
}): IpFamily {
  return vs.family ?? addressFamily(vs.address ?? '') ?? 'ipv4';
}
/** Issues for values repeated in a list (reported at every later occurrence). */
export function duplicates(keys: string[], path: Path, field: string, what: string): Issue[] {
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
/** Formats an issue path the way problem details and agent NACKs carry it: `vips[0].address`. */
export function formatPath(path: (string | number)[]): string {
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part),
    '',
  );
}
