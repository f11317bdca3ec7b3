/**
 * @module Receiving an advert on an interface: decode it, find the local instance it is for, and
 * apply the checks that need that instance (RFC 3768 §7.1, RFC 9568 §7.1). The result is either
 * a `ReceivedAdvert` for the state machine or a drop reason to count. Pure; never throws.
 */
import { canonicalAddress } from '../../../contract/ip.js';
import { checkAuth, decodeVrrp } from './packet.js';
import type { ReceivedAdvert } from './machine-types.js';
import { OWNER_PRIORITY } from './tracking.js';
import type { ReceivedChecksumForm, VrrpDropReason, VrrpFamily, VrrpV2Auth } from './types.js';

/** What adverts from peers must carry to be accepted (the instance's configuration). */
export interface AdvertExpectations {
  advertIntervalCs: number;
  /** v2 authentication expected from peers (type none when no password is configured). */
  auth: VrrpV2Auth;
  /** The configured VIPs, canonical text. */
  vips: readonly string[];
}

/** What the receiver knows of one local instance on the interface. */
export interface ReceivingInstance extends AdvertExpectations {
  vrid: number;
  version: 2 | 3;
  /**
   * The expectations before an in-place edit, still accepted for a grace period: the directors
   * of a pair apply an edit moments apart, and until the peer has it too its adverts carry the
   * old interval, password or address list. keepalived drops them in that window; we accept
   * either configuration so that a backup's Master_Down_Timer keeps being reset.
   */
  previous?: AdvertExpectations | undefined;
}

/** The IP envelope of a received packet. */
export interface ReceivedEnvelope {
  family: VrrpFamily;
  source: string;
  /** Unknown for IPv6 (raw-socket cannot report it); the kernel verified the checksum then. */
  destination?: string | undefined;
}

export type ReceiveResult =
  | { ok: true; vrid: number; advert: ReceivedAdvert; checksum: ReceivedChecksumForm }
  | { ok: false; reason: VrrpDropReason; vrid?: number };

/** Same addresses, in any order (RFC 3768 §7.1: "the list of IP Addresses ... matches"). */
function sameAddressSet(received: readonly string[], configured: readonly string[]): boolean {
  if (received.length !== configured.length) return false;
  const wanted = new Set(configured.map((a) => canonicalAddress(a) ?? a));
  return received.every((a) => wanted.has(a));
}

type Decoded = Extract<ReturnType<typeof decodeVrrp>, { ok: true }>['advert'];

/** Why `advert` does not match `expected`, or undefined when it does. */
function mismatchWith(
  advert: Decoded,
  advertIntervalCs: number,
  expected: AdvertExpectations,
): VrrpDropReason | undefined {
  if (advert.version === 2) {
    if (!checkAuth(advert.auth, expected.auth)) return 'auth';
    if (advertIntervalCs !== expected.advertIntervalCs) return 'interval';
  }
  if (advert.priority !== OWNER_PRIORITY && !sameAddressSet(advert.addresses, expected.vips)) {
    return 'address_list';
  }
  return undefined;
}

/**
 * Classifies a packet received on an interface that runs `instances` (keyed by VRID):
 * - the decoder's drops (length, version, type, checksum, address_count, interval, auth);
 * - `vrid`: no local instance with that VRID;
 * - `version`: the instance runs the other version (keepalived does no v2/v3 dual mode either);
 * - `auth` (v2): type or password differs from the instance's (RFC 2338 §7.1);
 * - `interval` (v2): Adver Int differs from ours (RFC 3768 §7.1 MUST discard; v3 adopts it);
 * - `address_list`: the addresses differ from the configured VIPs and the sender is not the
 *   owner (RFC 3768 §7.1 MUST drop; keepalived applies it to v3 too, unless skip_check_adv_addr).
 */
export function receiveAdvert(
  payload: Uint8Array,
  envelope: ReceivedEnvelope,
  instances: ReadonlyMap<number, ReceivingInstance>,
): ReceiveResult {
  const decoded = decodeVrrp(payload, envelope);
  if (!decoded.ok) return decoded;
  const { advert } = decoded;
  const instance = instances.get(advert.vrid);
  const vrid = advert.vrid;
  if (!instance) return { ok: false, reason: 'vrid', vrid };
  if (advert.version !== instance.version) return { ok: false, reason: 'version', vrid };
  const advertIntervalCs =
    advert.version === 2 ? advert.advertIntervalS * 100 : advert.maxAdvertIntervalCs;
  const mismatch = mismatchWith(advert, advertIntervalCs, instance);
  const previous = instance.previous;
  if (
    mismatch !== undefined &&
    (previous === undefined || mismatchWith(advert, advertIntervalCs, previous) !== undefined)
  ) {
    return { ok: false, reason: mismatch, vrid };
  }
  return {
    ok: true,
    vrid,
    checksum: decoded.checksum,
    advert: {
      vrid,
      priority: advert.priority,
      advertIntervalCs,
      source: envelope.source,
      addresses: advert.addresses,
    },
  };
}
