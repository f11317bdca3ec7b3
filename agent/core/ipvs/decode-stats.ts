/** @module Decoding the `IPVS_STATS_ATTR_*` counters of a service or destination (STATS64, else STATS). */
import type { AttributeScope } from './decode-common.js';
import { IpvsStatsAttr } from './ip-vs-h.js';
import { ZERO_STATS, type IpvsStats } from './model.js';
import {
  NetlinkAttributeError,
  readU32,
  readU64,
  type NetlinkAttribute,
} from './netlink-attributes.js';

const FIELDS: readonly (readonly [keyof IpvsStats, number, string])[] = [
  ['connections', IpvsStatsAttr.CONNS, 'IPVS_STATS_ATTR_CONNS'],
  ['inPackets', IpvsStatsAttr.INPKTS, 'IPVS_STATS_ATTR_INPKTS'],
  ['outPackets', IpvsStatsAttr.OUTPKTS, 'IPVS_STATS_ATTR_OUTPKTS'],
  ['inBytes', IpvsStatsAttr.INBYTES, 'IPVS_STATS_ATTR_INBYTES'],
  ['outBytes', IpvsStatsAttr.OUTBYTES, 'IPVS_STATS_ATTR_OUTBYTES'],
  ['connectionsPerSecond', IpvsStatsAttr.CPS, 'IPVS_STATS_ATTR_CPS'],
  ['inPacketsPerSecond', IpvsStatsAttr.INPPS, 'IPVS_STATS_ATTR_INPPS'],
  ['outPacketsPerSecond', IpvsStatsAttr.OUTPPS, 'IPVS_STATS_ATTR_OUTPPS'],
  ['inBytesPerSecond', IpvsStatsAttr.INBPS, 'IPVS_STATS_ATTR_INBPS'],
  ['outBytesPerSecond', IpvsStatsAttr.OUTBPS, 'IPVS_STATS_ATTR_OUTBPS'],
];

/**
 * A counter of either width. `ip_vs_genl_fill_stats64` writes every counter as u64;
 * `ip_vs_genl_fill_stats` (the 32-bit STATS nest) writes u32 except INBYTES/OUTBYTES (u64).
 */
function counter(a: NetlinkAttribute): bigint {
  if (a.payload.length === 4) return BigInt(readU32(a));
  if (a.payload.length === 8) return readU64(a);
  throw new NetlinkAttributeError(`a counter needs 4 or 8 bytes, got ${a.payload.length}`);
}

function readStats(scope: AttributeScope): IpvsStats {
  const stats: Record<keyof IpvsStats, bigint> = { ...ZERO_STATS };
  for (const [field, type, name] of FIELDS) {
    // IPVS_STATS_ATTR_PAD (alignment filler of nla_put_u64_64bit) and unknown types are skipped.
    stats[field] = scope.optional(type, name, counter) ?? 0n;
  }
  return stats;
}

/**
 * The counters of a service or destination scope: the `*_STATS64` nest when present (all u64),
 * else the older `*_STATS` nest (whose u32 counters wrap), else zeros
 * (a kernel that sends neither, as notification messages of some patch sets do). A counter
 * missing from a nest reads as 0.
 */
export function decodeStats(
  parent: AttributeScope,
  stats64: readonly [type: number, name: string],
  stats32: readonly [type: number, name: string],
): IpvsStats {
  const nest = parent.nest(...stats64) ?? parent.nest(...stats32);
  return nest ? readStats(nest) : { ...ZERO_STATS };
}
