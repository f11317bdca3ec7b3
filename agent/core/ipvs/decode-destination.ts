/** @module Decoding one IPVS_CMD_GET_DEST dump entry into an observed destination. */
import type { IpvsDecodeOptions, IpvsDecodeResult } from './codec-types.js';
import { AttributeScope, runDecoder } from './decode-common.js';
import { decodeStats } from './decode-stats.js';
import { IpvsCmdAttr, IpvsDestAttr, IpvsTunnelType } from './ip-vs-h.js';
import { familyOfAf, forwardingOf, fwdName } from './ipvs-values.js';
import type {
  IpvsDestinationId,
  IpvsFamily,
  IpvsForwarding,
  ObservedDestination,
} from './model.js';

const D = IpvsDestAttr;
const STATS64 = [D.STATS64, 'IPVS_DEST_ATTR_STATS64'] as const;
const STATS32 = [D.STATS, 'IPVS_DEST_ATTR_STATS'] as const;

/** FWD_METHOD as a forwarding method, with TUN_TYPE checked: only IPIP tunnels are modelled. */
function readForwarding(dest: AttributeScope): IpvsForwarding {
  const fwd = dest.requiredNumber(IpvsDestAttr.FWD_METHOD, 'IPVS_DEST_ATTR_FWD_METHOD', 'u32');
  const forwarding = forwardingOf(fwd);
  if (!forwarding)
    throw dest.unsupported('IPVS_DEST_ATTR_FWD_METHOD', `forwarding ${fwdName(fwd)}`);
  // Kernels before 5.2 have no tunnel attributes: their tunnels are IPIP.
  const tunnel = dest.number(IpvsDestAttr.TUN_TYPE, 'IPVS_DEST_ATTR_TUN_TYPE', 'u8');
  if (forwarding === 'tun' && tunnel !== undefined && tunnel !== IpvsTunnelType.IPIP) {
    const name =
      tunnel === IpvsTunnelType.GUE
        ? 'GUE'
        : tunnel === IpvsTunnelType.GRE
          ? 'GRE'
          : `type ${tunnel}`;
    throw dest.unsupported('IPVS_DEST_ATTR_TUN_TYPE', `${name} tunnel (only IPIP is modelled)`);
  }
  return forwarding;
}

/**
 * Decodes the payload of one IPVS_CMD_NEW_DEST message of a GET_DEST dump: an
 * `IPVS_CMD_ATTR_DEST` nest as `ip_vs_genl_fill_dest` writes it. `serviceFamily` is the family
 * of the service that was dumped: kernels before `IPVS_DEST_ATTR_ADDR_FAMILY` (3.18) imply it.
 * Never throws. `unsupported` (with the identity in `id`): LOCALNODE/BYPASS or another unknown
 * forwarding value, or a GUE/GRE tunnel, which the model cannot express. `{ stats: false }`
 * skips the counters (`stats` is then `ZERO_STATS`).
 */
export function decodeDestination(
  payload: Uint8Array,
  serviceFamily: IpvsFamily,
  options?: IpvsDecodeOptions,
): IpvsDecodeResult<ObservedDestination, IpvsDestinationId> {
  return runDecoder<ObservedDestination, IpvsDestinationId>((identify) => {
    const root = AttributeScope.parse('', payload);
    const dest = root.requiredNest(IpvsCmdAttr.DEST, 'IPVS_CMD_ATTR_DEST');
    const af = dest.number(IpvsDestAttr.ADDR_FAMILY, 'IPVS_DEST_ATTR_ADDR_FAMILY', 'u16');
    const family = af === undefined ? serviceFamily : familyOfAf(af);
    if (!family) throw dest.unsupported('IPVS_DEST_ATTR_ADDR_FAMILY', `address family ${af}`);
    const address = dest.requiredAddress(IpvsDestAttr.ADDR, 'IPVS_DEST_ATTR_ADDR', family);
    const port = dest.requiredNumber(IpvsDestAttr.PORT, 'IPVS_DEST_ATTR_PORT', 'be16');
    identify({ address, port });

    const forwarding = readForwarding(dest);
    return {
      address,
      port,
      forwarding,
      weight: dest.requiredNumber(D.WEIGHT, 'IPVS_DEST_ATTR_WEIGHT', 'u32'),
      upperThreshold: dest.requiredNumber(D.U_THRESH, 'IPVS_DEST_ATTR_U_THRESH', 'u32'),
      lowerThreshold: dest.requiredNumber(D.L_THRESH, 'IPVS_DEST_ATTR_L_THRESH', 'u32'),
      activeConnections: dest.requiredNumber(D.ACTIVE_CONNS, 'IPVS_DEST_ATTR_ACTIVE_CONNS', 'u32'),
      inactiveConnections: dest.requiredNumber(D.INACT_CONNS, 'IPVS_DEST_ATTR_INACT_CONNS', 'u32'),
      persistentConnections: dest.requiredNumber(
        D.PERSIST_CONNS,
        'IPVS_DEST_ATTR_PERSIST_CONNS',
        'u32',
      ),
      stats: decodeStats(dest, STATS64, STATS32, options),
    };
  });
}
