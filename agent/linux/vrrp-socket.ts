/**
 * @module The raw-socket transport of VRRP: one IP protocol 112 socket per interface and family,
 * bound to the device, joined to 224.0.0.18 / ff02::12, sending with TTL / hop limit 255
 * (RFC 9568 §5.1.1.3, §5.1.2.3). Facts it relies on (raw(7); RFC 3542 §3, §3.1; raw-socket
 * 1.8.1's index.js and src/raw.cc, which reads with recvfrom() on libuv's default loop):
 * - IPv4 reads include the IP header; IPv6 reads start at the VRRP header, with no hop limit and
 *   no destination: the kernel verifies the IPv6 checksum (IPV6_CHECKSUM = 6) but the hop-limit
 *   255 check cannot be made with this library (documented limit; IPv4 TTL is checked).
 * - Received buffers alias one shared buffer: the envelope parser copies the payload.
 * - The socket must stay strongly referenced (measured: a socket reachable only from its listener
 *   stopped receiving after a forced GC) and on the main thread (no worker threads).
 * IPv4 adverts are sent with IP_HDRINCL so that the source is the configured one.
 */
import raw from 'raw-socket';
import type { Socket } from 'raw-socket';
import { parseIpv4Envelope } from '../core/vrrp/envelope.js';
import { ipv4Packet, VRRP_PROTOCOL } from '../core/vrrp/ipv4-header.js';
import type { ReceivedEnvelope } from '../core/vrrp/receive.js';
import type { VrrpFamily } from '../core/vrrp/types.js';

export const VRRP_GROUP_IPV4 = '224.0.0.18';
export const VRRP_GROUP_IPV6 = 'ff02::12';

// Linux socket option numbers raw-socket does not export (include/uapi/linux/in.h, in6.h).
const IP_MULTICAST_IF = 32;
const IP_MULTICAST_LOOP = 34;
const IP_ADD_MEMBERSHIP = 35;
const IPV6_CHECKSUM = 7;
const IPV6_MULTICAST_IF = 17;
const IPV6_MULTICAST_HOPS = 18;
const IPV6_MULTICAST_LOOP = 19;
const IPV6_ADD_MEMBERSHIP = 20;
/** Offset of the VRRP checksum field, for IPV6_CHECKSUM. */
const VRRP_CHECKSUM_OFFSET = 6;

export interface VrrpSocketOptions {
  interfaceName: string;
  interfaceIndex: number;
  family: VrrpFamily;
}

/** A packet as received: the VRRP payload (a copy) and what is known of its IP envelope. */
export interface ReceivedPacket extends ReceivedEnvelope {
  payload: Uint8Array;
  /** IPv4 TTL; undefined for IPv6 (not readable, see the module comment). */
  ttl?: number;
}

export type PacketHandler = (packet: ReceivedPacket) => void;
/** A packet dropped before decoding (`length`, `ttl`), for the drop counters. */
export type EnvelopeDropHandler = (reason: 'length' | 'ttl') => void;

export interface VrrpSocket {
  /** Sends one advert. IPv4 needs the source to write into the IP header. */
  send(payload: Uint8Array, destination: string, source: string): Promise<void>;
  close(): void;
}

/** ip_mreqn: group, local address (any), interface index (host order). */
function ipMreqn(group: readonly number[], interfaceIndex: number): Buffer {
  const mreqn = Buffer.alloc(12);
  Buffer.from(group).copy(mreqn, 0);
  mreqn.writeInt32LE(interfaceIndex, 8);
  return mreqn;
}

/** ipv6_mreq: group (16 bytes), interface index. */
function ipv6Mreq(interfaceIndex: number): Buffer {
  const mreq = Buffer.alloc(20);
  mreq.set([0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12], 0);
  mreq.writeInt32LE(interfaceIndex, 16);
  return mreq;
}

function configureIpv4(socket: Socket, interfaceIndex: number): void {
  const { IPPROTO_IP } = raw.SocketLevel;
  socket.setOption(IPPROTO_IP, raw.SocketOption.IP_HDRINCL, 1);
  socket.setOption(IPPROTO_IP, IP_ADD_MEMBERSHIP, ipMreqn([224, 0, 0, 18], interfaceIndex), 12);
  socket.setOption(IPPROTO_IP, IP_MULTICAST_IF, ipMreqn([0, 0, 0, 0], interfaceIndex), 12);
  socket.setOption(IPPROTO_IP, IP_MULTICAST_LOOP, 0);
}

function configureIpv6(socket: Socket, interfaceIndex: number): void {
  const { IPPROTO_IPV6 } = raw.SocketLevel;
  socket.setOption(IPPROTO_IPV6, IPV6_CHECKSUM, VRRP_CHECKSUM_OFFSET);
  socket.setOption(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255);
  socket.setOption(IPPROTO_IPV6, raw.SocketOption.IPV6_UNICAST_HOPS, 255);
  socket.setOption(IPPROTO_IPV6, IPV6_MULTICAST_IF, interfaceIndex);
  socket.setOption(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
  socket.setOption(IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, ipv6Mreq(interfaceIndex), 20);
}

/** The IPv6 source as raw-socket reports it may carry no zone; strip one if present. */
function withoutZone(address: string): string {
  const percent = address.indexOf('%');
  return percent === -1 ? address : address.slice(0, percent);
}

/**
 * Opens the socket. Throws (synchronously) when the process lacks CAP_NET_RAW or the interface
 * does not exist. `onError` receives socket errors; the socket is closed after one.
 */
export function openVrrpSocket(
  options: VrrpSocketOptions,
  onPacket: PacketHandler,
  onEnvelopeDrop: EnvelopeDropHandler,
  onError: (error: Error) => void,
): VrrpSocket {
  const ipv4 = options.family === 'ipv4';
  const socket = raw.createSocket({
    protocol: VRRP_PROTOCOL,
    addressFamily: ipv4 ? raw.AddressFamily.IPv4 : raw.AddressFamily.IPv6,
  });
  try {
    const device = Buffer.from(`${options.interfaceName}\0`);
    socket.setOption(
      raw.SocketLevel.SOL_SOCKET,
      raw.SocketOption.SO_BINDTODEVICE,
      device,
      device.length,
    );
    if (ipv4) configureIpv4(socket, options.interfaceIndex);
    else configureIpv6(socket, options.interfaceIndex);
  } catch (error) {
    socket.close();
    throw error;
  }
  socket.on('error', onError);
  socket.on('message', (buffer, source) => {
    if (ipv4) {
      // Unicast adverts are TTL-checked too: fleetlb and keepalived both send them with TTL 255
      // on the same segment (keepalived skips the check for unicast; routed peers are not ours).
      const envelope = parseIpv4Envelope(buffer);
      if (!envelope.ok) return onEnvelopeDrop(envelope.reason);
      const { payload, ttl, destination } = envelope;
      onPacket({ family: 'ipv4', payload, ttl, destination, source: envelope.source });
    } else {
      onPacket({ family: 'ipv6', payload: new Uint8Array(buffer), source: withoutZone(source) });
    }
  });
  let closed = false;
  return {
    send(payload, destination, source) {
      if (closed) return Promise.reject(new Error('VRRP socket is closed'));
      const bytes = Buffer.from(ipv4 ? ipv4Packet(source, destination, payload) : payload);
      if (socket.requests.length === 0 && sendNow(socket, bytes, destination)) {
        return Promise.resolve();
      }
      return new Promise((resolve, reject) => {
        socket.send(bytes, 0, bytes.length, destination, (error) =>
          error ? reject(error) : resolve(),
        );
      });
    },
    close() {
      if (closed) return;
      closed = true;
      socket.close();
    },
  };
}

/**
 * Writes at once instead of waiting for the next writable event: raw-socket's `send` queues
 * and writes on the event loop's next poll, a millisecond or more behind the code that asked
 * for it when the loop is busy (a resignation shares its turn with the VIP removal and the
 * logs). Returns false when the socket buffer is full (or another error occurs) so the caller
 * queues through `send`, which retries on writable and reports errors to its callback.
 */
function sendNow(socket: Socket, bytes: Buffer, destination: string): boolean {
  try {
    socket.wrap.send(bytes, 0, bytes.length, destination, () => undefined);
    return true;
  } catch {
    return false;
  }
}
