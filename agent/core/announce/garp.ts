/**
 * @module Gratuitous ARP: the frame a new VRRP master broadcasts for each IPv4 virtual address so
 * that hosts and switches learn its MAC at once (RFC 3768 §8.1.2 / RFC 9568 §8.1.2: "send an ARP
 * request ... for each IPv4 address"). The layout is keepalived's (vrrp_arp.c): an ARP request
 * whose sender and target protocol addresses are both the VIP, the "ARP Announcement" of
 * RFC 5227 §2.3 (a request rather than a reply, for the reasons of RFC 5227 §3). The target
 * hardware address is broadcast as keepalived sends it (RFC 5227 would zero it; receivers ignore
 * it). Pure: no I/O, no Node built-ins (agent/core).
 *
 * Frame, 60 bytes (RFC 826 packet format over Ethernet II):
 *   0  destination ff:ff:ff:ff:ff:ff   6  source = interface MAC   12  ethertype 0x0806
 *  14  hardware type 1 (Ethernet)     16  protocol type 0x0800     18  hlen 6   19  plen 4
 *  20  opcode 1 (request)             22  sender MAC               28  sender IPv4 = VIP
 *  32  target MAC ff:ff:ff:ff:ff:ff   38  target IPv4 = VIP        42  zero padding to 60
 */
import { parseIpv4 } from '../../../contract/ip.js';
import {
  BROADCAST_MAC,
  ETHERNET_HEADER_BYTES,
  ETHERNET_MIN_FRAME_BYTES,
  ETHERTYPE_ARP,
  parseMac,
  writeEthernetHeader,
} from './mac.js';

const ARP_HARDWARE_ETHERNET = 1; // RFC 826 ar$hrd; IANA ARP hardware type 1
const ARP_PROTOCOL_IPV4 = 0x0800; // ar$pro: the ethertype of IPv4
const ARP_OP_REQUEST = 1; // ar$op (RFC 826; RFC 5227 §3 announcements are requests)

/**
 * The gratuitous ARP frame announcing `ipv4` at `mac`, padded to the 60-byte Ethernet minimum.
 * Throws RangeError on a malformed MAC or address, or on an address no host can own
 * (0.0.0.0/8, multicast 224.0.0.0/4 and above, i.e. class D/E and broadcast).
 */
export function garpFrame(mac: string, ipv4: string): Uint8Array {
  const source = parseMac(mac);
  const address = parseIpv4(ipv4);
  if (!address) throw new RangeError(`not an IPv4 address: ${JSON.stringify(ipv4)}`);
  const [first = 0] = address;
  if (first === 0 || first >= 224) {
    throw new RangeError(`not a unicast IPv4 address to announce: ${ipv4}`);
  }
  const frame = new Uint8Array(ETHERNET_MIN_FRAME_BYTES); // bytes 42..59 stay zero (padding)
  writeEthernetHeader(frame, BROADCAST_MAC, source, ETHERTYPE_ARP);
  const arp = new DataView(frame.buffer, ETHERNET_HEADER_BYTES);
  arp.setUint16(0, ARP_HARDWARE_ETHERNET);
  arp.setUint16(2, ARP_PROTOCOL_IPV4);
  arp.setUint8(4, 6); // hardware address length
  arp.setUint8(5, 4); // protocol address length
  arp.setUint16(6, ARP_OP_REQUEST);
  frame.set(source, ETHERNET_HEADER_BYTES + 8); // sender hardware address
  frame.set(address, ETHERNET_HEADER_BYTES + 14); // sender protocol address = VIP
  frame.set(BROADCAST_MAC, ETHERNET_HEADER_BYTES + 18); // target hardware address
  frame.set(address, ETHERNET_HEADER_BYTES + 24); // target protocol address = VIP
  return frame;
}
