/** @module Decoding one IPVS_CMD_GET_DEST dump entry into an observed destination. */
import type { IpvsDecodeResult } from './codec-types.js';
import { AttributeScope, runDecoder } from './decode-common.js';
import { decodeStats } from './decode-stats.js';
import { IpvsCmdAttr, IpvsDestAttr, IpvsTunnelType } from './ip-vs-h.js';
import { addressText, familyOfAf, forwardingOf, fwdName } from './ipvs-values.js';
import type { IpvsDestinationId, IpvsFamily, ObservedDestination } from './model.js';
import { NetlinkAttributeError, readBe16, readU16, readU32, readU8 } from './netlink-attributes.js';

/**
 * Decodes the payload of one IPVS_CMD_NEW_DEST message of a GET_DEST dump: an
 * `IPVS_CMD_ATTR_DEST` nest as `ip_vs_genl_fill_dest` writes it. `serviceFamily` is the family
 * of the service that was dumped: kernels before `IPVS_DEST_ATTR_ADDR_FAMILY` (3.18) imply it.
 * Never throws. `unsupported` (with the identity in `id`): LOCALNODE/BYPASS or another unknown
 * forwarding value, or a GUE/GRE tunnel, which the model cannot express.
 */
export function decodeDestination(
  payload: Uint8Array,
  serviceFamily: IpvsFamily,
): IpvsDecodeResult<ObservedDestination, IpvsDestinationId> {
  return runDecoder<ObservedDestination, IpvsDestinationId>((identify) => {
    const root = AttributeScope.parse('', payload);
    const dest = root.requiredNest(IpvsCmdAttr.DEST, 'IPVS_CMD_ATTR_DEST');
    const af = dest.optional(IpvsDestAttr.ADDR_FAMILY, 'IPVS_DEST_ATTR_ADDR_FAMILY', readU16);
    const family = af === undefined ? serviceFamily : familyOfAf(af);
    if (!family) throw dest.unsupported('IPVS_DEST_ATTR_ADDR_FAMILY', `address family ${af}`);
    const address = dest.required(IpvsDestAttr.ADDR, 'IPVS_DEST_ATTR_ADDR', (a) => {
      const text = addressText(a.payload, family);
      if (text === undefined)
        throw new NetlinkAttributeError(`${a.payload.length}-byte ${family} address`);
      return text;
    });
    const port = dest.required(IpvsDestAttr.PORT, 'IPVS_DEST_ATTR_PORT', readBe16);
    identify({ address, port });

    const fwd = dest.required(IpvsDestAttr.FWD_METHOD, 'IPVS_DEST_ATTR_FWD_METHOD', readU32);
    const forwarding = forwardingOf(fwd);
    if (!forwarding)
      throw dest.unsupported('IPVS_DEST_ATTR_FWD_METHOD', `forwarding ${fwdName(fwd)}`);
    // Kernels before 5.2 have no tunnel attributes: their tunnels are IPIP.
    const tunnel = dest.optional(IpvsDestAttr.TUN_TYPE, 'IPVS_DEST_ATTR_TUN_TYPE', readU8);
    if (forwarding === 'tun' && tunnel !== undefined && tunnel !== IpvsTunnelType.IPIP) {
      const name =
        tunnel === IpvsTunnelType.GUE
          ? 'GUE'
          : tunnel === IpvsTunnelType.GRE
            ? 'GRE'
            : `type ${tunnel}`;
      throw dest.unsupported('IPVS_DEST_ATTR_TUN_TYPE', `${name} tunnel (only IPIP is modelled)`);
    }
    return {
      address,
      port,
      forwarding,
      weight: dest.required(IpvsDestAttr.WEIGHT, 'IPVS_DEST_ATTR_WEIGHT', readU32),
      upperThreshold: dest.required(IpvsDestAttr.U_THRESH, 'IPVS_DEST_ATTR_U_THRESH', readU32),
      lowerThreshold: dest.required(IpvsDestAttr.L_THRESH, 'IPVS_DEST_ATTR_L_THRESH', readU32),
      activeConnections: dest.required(
        IpvsDestAttr.ACTIVE_CONNS,
        'IPVS_DEST_ATTR_ACTIVE_CONNS',
        readU32,
      ),
      inactiveConnections: dest.required(
        IpvsDestAttr.INACT_CONNS,
        'IPVS_DEST_ATTR_INACT_CONNS',
        readU32,
      ),
      persistentConnections: dest.required(
        IpvsDestAttr.PERSIST_CONNS,
        'IPVS_DEST_ATTR_PERSIST_CONNS',
        readU32,
      ),
      stats: decodeStats(
        dest,
        [IpvsDestAttr.STATS64, 'IPVS_DEST_ATTR_STATS64'],
        [IpvsDestAttr.STATS, 'IPVS_DEST_ATTR_STATS'],
      ),
    };
  });
}
