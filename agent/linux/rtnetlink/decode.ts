/**
 * @module Conversions between the `netlink` package's parsed rtnetlink messages and the adapter's
 * shapes: address bytes ↔ canonical text, ifaddrmsg + attributes → InterfaceAddress, ifinfomsg +
 * attributes → Link. Decoders return undefined for a message they cannot make sense of (the
 * caller counts it) instead of throwing.
 */
import { rt } from 'netlink';
import { canonicalAddress, parseIpv4, parseIpv6 } from '../../../contract/ip.js';
import type { AddressFamily, InterfaceAddress, Link } from './types.js';

export const AF_INET = 2;
export const AF_INET6 = 10;
/** The "forever" lifetime of struct ifa_cacheinfo. */
export const INFINITY_LIFE_TIME = 0xffffffff;

const IFF_UP = 0x1;
const IFF_RUNNING = 0x40;

export function familyNumber(family: AddressFamily): number {
  return family === 'ipv4' ? AF_INET : AF_INET6;
}

/** The address bytes of a text address (any accepted spelling), or undefined when invalid. */
export function addressBytes(text: string): { family: AddressFamily; bytes: Buffer } | undefined {
  const v4 = parseIpv4(text);
  if (v4) return { family: 'ipv4', bytes: Buffer.from(v4) };
  const v6 = parseIpv6(text);
  if (!v6) return undefined;
  const bytes = Buffer.alloc(16);
  v6.forEach((group, i) => bytes.writeUInt16BE(group, i * 2));
  return { family: 'ipv6', bytes };
}

/** Canonical text of 4 or 16 address bytes, or undefined for any other length. */
export function addressText(bytes: Uint8Array): string | undefined {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) return undefined;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return canonicalAddress(groups.join(':'));
}

function lifetime(seconds: number | undefined): number | undefined {
  return seconds === undefined || seconds === INFINITY_LIFE_TIME ? undefined : seconds;
}

/** An RTM_NEWADDR/RTM_DELADDR payload as an InterfaceAddress (undefined: not IPv4/IPv6 or malformed). */
export function decodeAddress(message: rt.AddressMessage): InterfaceAddress | undefined {
  const { data, attrs } = message;
  const family = data.family === AF_INET ? 'ipv4' : data.family === AF_INET6 ? 'ipv6' : undefined;
  // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer on point-to-point links.
  const raw = attrs.local ?? attrs.address;
  const address = raw ? addressText(raw) : undefined;
  if (!family || !address || data.index === undefined || data.prefixlen === undefined)
    return undefined;
  if (addressBytes(address)?.family !== family) return undefined;
  const flags = attrs.flags ?? data.flags;
  const result: InterfaceAddress = {
    interfaceIndex: data.index,
    address,
    prefixLength: data.prefixlen,
    family,
    scope: data.scope ?? 0,
    flags: flags ? rt.formatAddressFlags(flags) >>> 0 : 0,
  };
  if (attrs.label !== undefined) result.label = attrs.label;
  const valid = lifetime(attrs.cacheInfo?.ifaValid);
  const preferred = lifetime(attrs.cacheInfo?.ifaPrefered);
  if (valid !== undefined) result.validLifetimeS = valid;
  if (preferred !== undefined) result.preferredLifetimeS = preferred;
  return result;
}

function macText(bytes: Uint8Array | undefined): string | undefined {
  if (!bytes || bytes.length === 0) return undefined;
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** An RTM_NEWLINK/RTM_DELLINK payload as a Link (undefined: no index or name). */
export function decodeLink(message: rt.LinkMessage): Link | undefined {
  const { data, attrs } = message;
  if (data.index === undefined || attrs.ifname === undefined) return undefined;
  const flags = data.flags ? rt.formatDeviceFlags(data.flags) >>> 0 : 0;
  const link: Link = {
    index: data.index,
    name: attrs.ifname,
    up: (flags & IFF_UP) !== 0 && (flags & IFF_RUNNING) !== 0,
    flags,
  };
  const mac = macText(attrs.address);
  if (mac !== undefined) link.mac = mac;
  return link;
}
