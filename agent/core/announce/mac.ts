/**
 * @module MAC addresses and the Ethernet II header that carries the announcements
 * (IEEE 802.3 §3.2; the ethertypes are IANA's). Pure: no I/O, no Node built-ins (agent/core).
 */

/** Bytes in a MAC address (IEEE 802 EUI-48). */
export const MAC_BYTES = 6;
/** Destination 6, source 6, ethertype 2. */
export const ETHERNET_HEADER_BYTES = 14;
/** The shortest Ethernet frame without its 4-byte FCS (IEEE 802.3 §4.4.2: 64 bytes with it). */
export const ETHERNET_MIN_FRAME_BYTES = 60;

export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;

/** ff:ff:ff:ff:ff:ff, the Ethernet broadcast address. */
export const BROADCAST_MAC: Uint8Array = new Uint8Array(MAC_BYTES).fill(0xff);

const MAC_TEXT = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i;

/**
 * Parses `aa:bb:cc:dd:ee:ff` (or with `-`; any case) into 6 bytes. Throws RangeError on
 * anything else, and on a group address (I/G bit set): a MAC that sends frames is unicast.
 * @example parseMac('02:00:00:00:00:01') // Uint8Array [2, 0, 0, 0, 0, 1]
 */
export function parseMac(text: string): Uint8Array {
  if (!MAC_TEXT.test(text)) throw new RangeError(`not a MAC address: ${JSON.stringify(text)}`);
  const bytes = Uint8Array.from(text.split(/[:-]/), (pair) => parseInt(pair, 16));
  if ((bytes[0]! & 0x01) !== 0) {
    throw new RangeError(`not a unicast MAC address (group bit set): ${text}`);
  }
  return bytes;
}

/** Writes the Ethernet II header at the start of `frame`: destination, source, ethertype. */
export function writeEthernetHeader(
  frame: Uint8Array,
  destination: Uint8Array,
  source: Uint8Array,
  ethertype: number,
): void {
  frame.set(destination.subarray(0, MAC_BYTES), 0);
  frame.set(source.subarray(0, MAC_BYTES), MAC_BYTES);
  frame[12] = (ethertype >>> 8) & 0xff;
  frame[13] = ethertype & 0xff;
}
