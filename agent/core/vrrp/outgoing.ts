/**
 * @module The adverts an instance sends: one per destination (the multicast group, or each
 * unicast peer), encoded for the instance's version and family. Pure; the crash guard gets its
 * priority-0 resignations from here too, so they are the same bytes the agent would send.
 */
import { canonicalAddress } from '../../../contract/ip.js';
import { encodeVrrp } from './encode.js';
import type { V3Ipv4ChecksumForm, VrrpFamily } from './types.js';

export const VRRP_GROUP = { ipv4: '224.0.0.18', ipv6: 'ff02::12' } as const;

/** What encoding an instance's adverts needs. */
export interface OutgoingInstance {
  vrid: number;
  version: 2 | 3;
  family: VrrpFamily;
  advertIntervalCs: number;
  /** v2 simple password (keepalived `auth_type PASS`). */
  authPassword?: string | undefined;
  /** VIPs in configured order (the advert lists them as configured, like keepalived). */
  vips: readonly string[];
  /** Unicast peers; empty = multicast. */
  unicastPeers: readonly string[];
  /** v3 over IPv4 checksum form (keepalived default: pseudo-header). */
  v3Ipv4Checksum: V3Ipv4ChecksumForm;
}

export interface OutgoingAdvert {
  /** IP destination; a link-local IPv6 peer needs the interface as zone when sent. */
  destination: string;
  payload: Uint8Array;
}

/** The destinations of an instance's adverts (RFC 9568 §5.1.1.2 / §5.1.2.2, or unicast peers). */
export function advertDestinations(instance: OutgoingInstance): string[] {
  if (instance.unicastPeers.length > 0) {
    return instance.unicastPeers.map((peer) => canonicalAddress(peer) ?? peer);
  }
  return [VRRP_GROUP[instance.family]];
}

/**
 * Encodes the adverts for `priority` from `source` (the primary address: IPv4 primary or
 * unicast source, IPv6 link-local). v2 intervals are whole seconds (RFC 3768 §5.3.7): the
 * contract only admits multiples of 100 cs for v2.
 */
export function outgoingAdverts(
  instance: OutgoingInstance,
  source: string,
  priority: number,
): OutgoingAdvert[] {
  const vips = instance.vips.map((vip) => canonicalAddress(vip) ?? vip);
  return advertDestinations(instance).map((destination) => {
    if (instance.version === 2) {
      const auth =
        instance.authPassword === undefined
          ? ({ type: 'none' } as const)
          : ({ type: 'simple', password: instance.authPassword } as const);
      const advertIntervalS = Math.max(1, Math.round(instance.advertIntervalCs / 100));
      const payload = encodeVrrp({
        version: 2,
        vrid: instance.vrid,
        priority,
        advertIntervalS,
        auth,
        addresses: vips,
      });
      return { destination, payload };
    }
    const advert = {
      version: 3 as const,
      vrid: instance.vrid,
      priority,
      maxAdvertIntervalCs: instance.advertIntervalCs,
      addresses: vips,
    };
    const payload =
      instance.family === 'ipv4'
        ? encodeVrrp(advert, {
            family: 'ipv4',
            source,
            destination,
            checksum: instance.v3Ipv4Checksum,
          })
        : encodeVrrp(advert, { family: 'ipv6', source, destination });
    return { destination, payload };
  });
}
