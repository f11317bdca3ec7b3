/** @module Decoding the `IPVS_STATS_ATTR_*` counters of a service or destination (STATS64, else STATS). */
import type { IpvsDecodeOptions } from './codec-types.js';
import type { AttributeScope } from './decode-common.js';
import { IpvsStatsAttr } from './ip-vs-h.js';
import { ZERO_STATS, type IpvsStats } from './model.js';

/**
 * The counters of a stats nest. A counter is u32 or u64: `ip_vs_genl_fill_stats64` writes every
 * counter as u64; `ip_vs_genl_fill_stats` (the 32-bit STATS nest) writes u32 except
 * INBYTES/OUTBYTES (u64). `IPVS_STATS_ATTR_PAD` (alignment filler of `nla_put_u64_64bit`) and
 * unknown types are skipped; a missing counter reads as 0.
 */
function readStats(s: AttributeScope): IpvsStats {
  return {
    connections: s.counter(IpvsStatsAttr.CONNS, 'IPVS_STATS_ATTR_CONNS'),
    inPackets: s.counter(IpvsStatsAttr.INPKTS, 'IPVS_STATS_ATTR_INPKTS'),
    outPackets: s.counter(IpvsStatsAttr.OUTPKTS, 'IPVS_STATS_ATTR_OUTPKTS'),
    inBytes: s.counter(IpvsStatsAttr.INBYTES, 'IPVS_STATS_ATTR_INBYTES'),
    outBytes: s.counter(IpvsStatsAttr.OUTBYTES, 'IPVS_STATS_ATTR_OUTBYTES'),
    connectionsPerSecond: s.counter(IpvsStatsAttr.CPS, 'IPVS_STATS_ATTR_CPS'),
    inPacketsPerSecond: s.counter(IpvsStatsAttr.INPPS, 'IPVS_STATS_ATTR_INPPS'),
    outPacketsPerSecond: s.counter(IpvsStatsAttr.OUTPPS, 'IPVS_STATS_ATTR_OUTPPS'),
    inBytesPerSecond: s.counter(IpvsStatsAttr.INBPS, 'IPVS_STATS_ATTR_INBPS'),
    outBytesPerSecond: s.counter(IpvsStatsAttr.OUTBPS, 'IPVS_STATS_ATTR_OUTBPS'),
  };
}

/**
 * The counters of a service or destination scope: the `*_STATS64` nest when present (all u64),
 * else the older `*_STATS` nest (whose u32 counters wrap), else zeros
 * (a kernel that sends neither, as notification messages of some patch sets do). A counter
 * missing from a nest reads as 0. With `options.stats` false, the nests are not read at all and
 * the result is the shared, frozen `ZERO_STATS`.
 */
export function decodeStats(
  parent: AttributeScope,
  stats64: readonly [type: number, name: string],
  stats32: readonly [type: number, name: string],
  options?: IpvsDecodeOptions,
): IpvsStats {
  if (options?.stats === false) return ZERO_STATS;
  const nest = parent.nest(stats64[0], stats64[1]) ?? parent.nest(stats32[0], stats32[1]);
  return nest ? readStats(nest) : { ...ZERO_STATS };
}
