/**
 * @module The VRRP advertisement codec: VRRPv2 (RFC 3768, with RFC 2338 simple-text auth for
 * keepalived compatibility) and VRRPv3 (RFC 9568, formerly RFC 5798) over IPv4 and IPv6, plus the
 * IPv4 envelope of a packet read from a raw socket. Pure: no I/O, no clock, no Node built-ins.
 *
 * VRRPv2 (RFC 3768 §5.1), 16 + 4n bytes, IPv4 only:
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |Version| Type  | Virtual Rtr ID|   Priority    | Count IP Addrs|
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |   Auth Type   |   Adver Int   |          Checksum             |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                         IP Address (1)                        |
 *    |                              ...                              |
 *    |                         IP Address (n)                        |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                     Authentication Data (1)                   |
 *    |                     Authentication Data (2)                   |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    Version 2, Type 1; Adver Int in seconds; checksum over this message only.
 *
 * VRRPv3 (RFC 9568 §5.1 / §5.2), 8 + 4n bytes (IPv4) or 8 + 16n bytes (IPv6):
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |Version| Type  | Virtual Rtr ID|   Priority    |IPvX Addr Count|
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |(rsvd) |     Max Adver Int     |          Checksum             |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                     IPvX Address(es) (n)                      |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    Version 3, Type 1; 12-bit Max Adver Int in centiseconds; no authentication fields.
 *
 * Checksum forms (keepalived/vrrp/vrrp.c `vrrp_build_vrrp_v2()`, `vrrp_build_vrrp_v3()`,
 * `vrrp_check_packet()`; every form is the RFC 1071 sum with the checksum field zeroed):
 *   - v2:           the VRRP message only (RFC 3768 §5.3.8).
 *   - v3 over IPv6: RFC 8200 §8.1 pseudo-header + message (RFC 9568 §5.2.8).
 *   - v3 over IPv4: 'no-pseudo-header' is what RFC 9568 §5.2.8 now specifies (message only; also
 *     Cisco, Juniper, keepalived `v3_checksum_as_v2`); 'pseudo-header' (IPv4 pseudo-header +
 *     message) is the common reading of RFC 5798 and the default of keepalived, Wireshark,
 *     tcpdump and FRR. keepalived by default drops the message-only form, so the sender must pick
 *     per peer; the receiver here accepts both (RFC 9568 §8.4-style interop) and reports which.
 */
export * from './types.js';
export { encodeVrrp } from './encode.js';
export { checkAuth, decodeVrrp } from './decode.js';
export { parseIpv4Envelope } from './envelope.js';
