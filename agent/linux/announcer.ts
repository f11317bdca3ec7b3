/**
 * @module Announcing virtual addresses on the wire when a director becomes MASTER: one gratuitous
 * ARP per IPv4 address (RFC 9568 §8.1.2) and one unsolicited Neighbor Advertisement per IPv6
 * address (RFC 9568 §8.2.2), sent synchronously through an AF_PACKET socket
 * (`@fleetlb/packet-socket`), because Node cannot send Ethernet frames itself.
 *
 * Per interface it caches the index, the MAC, one socket and every frame it has built; a send that
 * fails with ENODEV / ENXIO (the interface was deleted, maybe recreated under the same name with
 * a new index and MAC) drops that cache and retries once. The MAC is not re-read otherwise: a
 * changed MAC on a live interface (`ip link set ... address`) needs a new announcer. Like
 * keepalived, no GARP goes out on an interface with IFF_NOARP (its flags are read on each call).
 * Needs CAP_NET_RAW.
 */
import { readFileSync } from 'node:fs';
import * as packetSocket from '@fleetlb/packet-socket';
import { garpFrame } from '../core/announce/garp.js';
import { unsolicitedNaFrame } from '../core/announce/neighbor-advert.js';

export interface AnnounceTarget {
  interfaceName: string;
  ipv4: readonly string[];
  ipv6: readonly string[];
  /** The NA Router flag (RFC 4861 §4.4); default false. */
  router?: boolean;
}

export interface AnnounceResult {
  sent: number;
  errors: Array<{ address: string; error: string }>;
}

export interface Announcer {
  /**
   * Sends one GARP per IPv4 and one unsolicited NA per IPv6 address, synchronously, now. Returns
   * how many frames went out; a failing send is counted and reported in the result, never thrown
   * (so are a missing interface and an address that cannot be announced). IPv4 addresses on an
   * IFF_NOARP interface are skipped: neither sent nor errors.
   */
  announce(target: AnnounceTarget): AnnounceResult;
  /** Closes every socket. The announcer cannot be used afterwards. */
  close(): void;
}

const SYSFS_NET = '/sys/class/net';
const IFF_NOARP = 0x80; // include/uapi/linux/if.h
const ARPHRD_ETHER = 1; // include/uapi/linux/if_arp.h
/** Errnos meaning the bound interface no longer exists (packet_snd: ENXIO after unregister). */
const GONE = new Set(['ENODEV', 'ENXIO']);

interface Link {
  fd: number;
  mac: string;
  frames: Map<string, Uint8Array>;
}

/** Linux's dev_valid_name: 1–15 bytes, not `.` / `..`, no `/`, `:` or whitespace. */
function checkInterfaceName(name: string): void {
  if (!/^[^/:\s]{1,15}$/.test(name) || name === '.' || name === '..') {
    throw new RangeError(`not an interface name: ${JSON.stringify(name)}`);
  }
}

function sysfs(name: string, attribute: string): string {
  try {
    return readFileSync(`${SYSFS_NET}/${name}/${attribute}`, 'utf8').trim();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') throw new Error(`no interface named ${name}`, { cause: error });
    throw error;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function openAnnouncer(): Announcer {
  const links = new Map<string, Link>();
  let closed = false;

  function resolve(name: string): Link {
    const cached = links.get(name);
    if (cached) return cached;
    const type = Number(sysfs(name, 'type'));
    if (type !== ARPHRD_ETHER) throw new Error(`${name} is not Ethernet (ARPHRD ${type})`);
    const index = Number(sysfs(name, 'ifindex'));
    const mac = sysfs(name, 'address');
    const link: Link = { fd: packetSocket.open(index), mac, frames: new Map() };
    links.set(name, link);
    return link;
  }

  function forget(name: string): void {
    const link = links.get(name);
    links.delete(name);
    try {
      if (link) packetSocket.close(link.fd);
    } catch {
      // An fd that fails to close is gone either way.
    }
  }

  function send(name: string, key: string, build: (mac: string) => Uint8Array): void {
    for (let tries = 1; ; tries++) {
      const link = resolve(name);
      let frame = link.frames.get(key);
      if (!frame) link.frames.set(key, (frame = build(link.mac)));
      try {
        packetSocket.send(link.fd, frame);
        return;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (tries > 1 || typeof code !== 'string' || !GONE.has(code)) throw error;
        forget(name); // the interface went away: look it up afresh and retry once
      }
    }
  }

  return {
    announce(target) {
      if (closed) throw new Error('announcer is closed');
      const name = target.interfaceName;
      const router = target.router ?? false;
      const result: AnnounceResult = { sent: 0, errors: [] };
      const attempt = (address: string, key: string, build: (mac: string) => Uint8Array) => {
        try {
          checkInterfaceName(name);
          send(name, key, build);
          result.sent++;
        } catch (error) {
          result.errors.push({ address, error: `${name}: ${message(error)}` });
        }
      };
      let noArp = false;
      if (target.ipv4.length > 0) {
        try {
          checkInterfaceName(name);
          noArp = (parseInt(sysfs(name, 'flags'), 16) & IFF_NOARP) !== 0;
        } catch {
          // Reported per address by `attempt` below.
        }
      }
      if (!noArp) {
        for (const ip of target.ipv4) attempt(ip, `4 ${ip}`, (mac) => garpFrame(mac, ip));
      }
      for (const ip of target.ipv6) {
        attempt(ip, `6 ${ip} ${router}`, (mac) => unsolicitedNaFrame(mac, ip, { router }));
      }
      return result;
    },
    close() {
      closed = true;
      for (const name of [...links.keys()]) forget(name);
    },
  };
}
