/** @module Types and constants of VRRP adverts, shared by the encoder, decoder and envelope parser. */

/** Advertisement is the only VRRP packet type (RFC 3768 §5.3.2, RFC 9568 §5.2.2). */
export const VRRP_TYPE_ADVERTISEMENT = 1;
/** Octets of v2 Authentication Data (RFC 3768 §5.3.10; RFC 2338 §5.3.10 simple-text password). */
export const VRRP_AUTH_DATA_LENGTH = 8;
/** The IPv4 TTL / IPv6 Hop Limit VRRP is sent with and that receivers require (RFC 9568 §5.1). */
export const VRRP_TTL = 255;

export type VrrpFamily = 'ipv4' | 'ipv6';

/** How a VRRPv3-over-IPv4 checksum is computed (see the module comment). */
export type V3Ipv4ChecksumForm = 'pseudo-header' | 'no-pseudo-header';

/**
 * VRRPv2 authentication. Type 0 is the only one RFC 3768 keeps; type 1 (RFC 2338 §5.3.6.1, a
 * clear-text password of up to 8 octets, NUL-padded) is what keepalived's `auth_type PASS` sends.
 * Type 2 (IPsec AH) travels as IP protocol 51 and never reaches this codec.
 */
export type VrrpV2Auth = { type: 'none' } | { type: 'simple'; password: string };

export interface VrrpV2Advert {
  version: 2;
  vrid: number;
  priority: number;
  /** Adver Int, whole seconds 1-255 (RFC 3768 §5.3.7). */
  advertIntervalS: number;
  auth: VrrpV2Auth;
  /** IPv4 addresses in canonical text form, 1-255 of them. */
  addresses: readonly string[];
}

export interface VrrpV3Advert {
  version: 3;
  vrid: number;
  priority: number;
  /** Max Advertise Interval, centiseconds 1-4095 (RFC 9568 §5.2.7, erratum 8301). */
  maxAdvertIntervalCs: number;
  /** IPvX addresses of the carrying family, canonical text; for IPv6 the first is link-local. */
  addresses: readonly string[];
}

export type VrrpAdvert = VrrpV2Advert | VrrpV3Advert;

/** The IP envelope a VRRPv3 advert is sent in: its checksum covers these addresses. */
export type VrrpV3Envelope =
  | {
      family: 'ipv4';
      source: string;
      destination: string;
      /** Required: the interop choice is the caller's (keepalived default vs RFC 9568). */
      checksum: V3Ipv4ChecksumForm;
    }
  | { family: 'ipv6'; source: string; destination: string };

/**
 * Why a received packet was dropped: a closed set, used as a metric label.
 * - `length`: shorter than its header or its address list, or a malformed IPv4 envelope.
 * - `ttl`: IPv4 TTL ≠ 255 (RFC 3768 §7.1, RFC 9568 §7.1).
 * - `version`: not 2 or 3, not the expected version, or v2 over IPv6.
 * - `type`: not ADVERTISEMENT.
 * - `checksum`: no accepted checksum form verifies.
 * - `address_count`: v3 IPvX Addr Count 0 (RFC 9568 §5.2.5, erratum 8299). A v2 Count 0 is a
 *   notify-only instance's advert (keepalived sends it) and is compared with the VIPs instead.
 * - `interval`: advert interval 0 (RFC 9568 erratum 8301; v2 likewise). Mismatch with the local
 *   interval is NOT checked here: v2 drops it and v3 adopts it, which is the state machine's call.
 * - `auth`: v2 auth type other than 0/1, a malformed password field, or (when the context gives
 *   the expected auth) a type or password mismatch.
 * - `vrid`: no local instance has this VRID on the interface (receive.ts).
 * - `address_list`: the advert's addresses differ from the configured VIPs and the sender is not
 *   the address owner (RFC 3768 §7.1 MUST drop; keepalived does the same for v3; receive.ts).
 * The first six are the decoder's; `ttl` is the envelope's; `vrid`, `address_list`, `auth`
 * mismatch and the v2 `interval` mismatch are judged against the local instance (receive.ts).
 */
export type VrrpDropReason =
  | 'length'
  | 'ttl'
  | 'version'
  | 'type'
  | 'checksum'
  | 'address_count'
  | 'interval'
  | 'auth'
  | 'vrid'
  | 'address_list';

export const VRRP_DROP_REASONS: readonly VrrpDropReason[] = [
  'length',
  'ttl',
  'version',
  'type',
  'checksum',
  'address_count',
  'interval',
  'auth',
  'vrid',
  'address_list',
];

/** Which checksum form a received packet verified with (`unverified`: see DecodeContext). */
export type ReceivedChecksumForm = V3Ipv4ChecksumForm | 'unverified';

/** What the receiver knows about the packet's IP envelope, and what it expects. */
export interface DecodeContext {
  family: VrrpFamily;
  /** IP source address of the packet (pseudo-header input for v3). */
  source: string;
  /**
   * IP destination (224.0.0.18, ff02::12 or the unicast address). Needed to verify a v3 checksum.
   * For IPv6 it may be omitted because raw-socket cannot report it: the checksum is then not
   * verified here and must have been verified by the kernel (IPV6_CHECKSUM = 6 on the socket:
   * the kernel discards received packets whose checksum is wrong, RFC 3542 §3.1).
   */
  destination?: string | undefined;
  /** When given, other versions are dropped as `version` (RFC 9568 §7.1: MUST verify 3). */
  expectVersion?: 2 | 3 | undefined;
  /** When given, a v2 advert's authentication must match it (see `checkAuth`). */
  auth?: VrrpV2Auth | undefined;
}

export type DecodeResult =
  | { ok: true; advert: VrrpAdvert; checksum: ReceivedChecksumForm }
  | { ok: false; reason: VrrpDropReason };

export type Ipv4EnvelopeResult =
  | { ok: true; ttl: number; source: string; destination: string; payload: Uint8Array }
  | { ok: false; reason: 'length' | 'ttl' };
