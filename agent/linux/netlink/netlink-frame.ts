/**
 * @module Netlink framing (linux/netlink.h, linux/genetlink.h): the `nlmsghdr` + `genlmsghdr` of
 * generic-netlink requests, the messages of a received datagram, and the errno of an
 * `NLMSG_ERROR` or `NLMSG_DONE`. Pure bytes in and out: the socket is behind
 * netlink-transport.ts, the request bookkeeping in genl-connection.ts.
 */

/** `struct nlmsghdr`: length, type, flags, seq, port (host order, 16 bytes). */
export const NLMSG_HDRLEN = 16;
/** `struct genlmsghdr`: cmd, version, reserved (4 bytes). */
export const GENL_HDRLEN = 4;

/** Control message types (linux/netlink.h). */
export const NlmsgType = { NOOP: 1, ERROR: 2, DONE: 3, OVERRUN: 4 } as const;

/** `NLM_F_*` flags (linux/netlink.h). */
export const NlmFlag = {
  REQUEST: 0x1,
  MULTI: 0x2,
  ACK: 0x4,
  /** `NLM_F_ROOT | NLM_F_MATCH`. */
  DUMP: 0x300,
} as const;

/** One generic-netlink request: a command of a family and its attribute stream. */
export interface GenlRequest {
  command: number;
  /** Attribute stream after the genlmsghdr, a multiple of 4 bytes. */
  payload: Uint8Array;
  /** A dump (NLM_F_DUMP): the answer is a series of messages ended by NLMSG_DONE. */
  dump: boolean;
}

/** One received netlink message; `payload` is everything after the nlmsghdr. */
export interface NetlinkMessage {
  type: number;
  flags: number;
  seq: number;
  port: number;
  payload: Uint8Array;
}

/** The family a request goes to: its id (the nlmsg type) and the genlmsghdr version. */
export interface GenlFamily {
  id: number;
  version: number;
}

/**
 * The wire form of requests sent in one datagram, each with its sequence number. Dumps are sent
 * without NLM_F_ACK (the kernel ends them with NLMSG_DONE); others ask for an ACK, so each
 * request ends with exactly one NLMSG_ERROR (0 for success). Throws `RangeError` for a payload
 * that is not 4-byte aligned.
 */
export function formatGenlRequests(
  family: GenlFamily,
  requests: readonly GenlRequest[],
  header: { port: number; seqs: readonly number[] },
): Uint8Array {
  const total = requests.reduce((n, r) => n + NLMSG_HDRLEN + GENL_HDRLEN + r.payload.length, 0);
  const datagram = new Uint8Array(total);
  const view = new DataView(datagram.buffer);
  let at = 0;
  requests.forEach(({ command, payload, dump }, i) => {
    if (payload.length % 4 !== 0) throw new RangeError('payload not 4-byte aligned');
    const length = NLMSG_HDRLEN + GENL_HDRLEN + payload.length;
    view.setUint32(at, length, true);
    view.setUint16(at + 4, family.id, true);
    view.setUint16(at + 6, NlmFlag.REQUEST | (dump ? NlmFlag.DUMP : NlmFlag.ACK), true);
    view.setUint32(at + 8, header.seqs[i]!, true);
    view.setUint32(at + 12, header.port, true);
    datagram[at + 16] = command;
    datagram[at + 17] = family.version;
    datagram.set(payload, at + NLMSG_HDRLEN + GENL_HDRLEN);
    at += length;
  });
  return datagram;
}

/** One netlink message as bytes (the fake kernel's replies; payload padded to 4 bytes). */
export function formatMessage(message: Omit<NetlinkMessage, 'payload'>, payload: Uint8Array) {
  const padded = (payload.length + 3) & ~3;
  const bytes = new Uint8Array(NLMSG_HDRLEN + padded);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, NLMSG_HDRLEN + payload.length, true);
  view.setUint16(4, message.type, true);
  view.setUint16(6, message.flags, true);
  view.setUint32(8, message.seq, true);
  view.setUint32(12, message.port, true);
  bytes.set(payload, NLMSG_HDRLEN);
  return bytes;
}

/**
 * The messages of one datagram (NLMSG_OK / NLMSG_NEXT). Throws `RangeError` for a header cut
 * short or a length that overruns the datagram: the caller counts the datagram as dropped.
 */
export function parseDatagram(datagram: Uint8Array): NetlinkMessage[] {
  const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  const messages: NetlinkMessage[] = [];
  let at = 0;
  while (at < datagram.length) {
    if (datagram.length - at < NLMSG_HDRLEN) throw new RangeError(`truncated nlmsghdr at ${at}`);
    const length = view.getUint32(at, true);
    if (length < NLMSG_HDRLEN || length > datagram.length - at) {
      throw new RangeError(`nlmsg_len ${length} at ${at} overruns the datagram`);
    }
    messages.push({
      type: view.getUint16(at + 4, true),
      flags: view.getUint16(at + 6, true),
      seq: view.getUint32(at + 8, true),
      port: view.getUint32(at + 12, true),
      payload: datagram.subarray(at + NLMSG_HDRLEN, at + length),
    });
    at += (length + 3) & ~3;
  }
  return messages;
}

/**
 * The `int error` that opens an NLMSG_ERROR (`struct nlmsgerr`) or NLMSG_DONE payload: 0 for an
 * ACK or a clean end, else minus the errno. A DONE without it (old kernels) reads as 0.
 */
export function errorCode(message: NetlinkMessage): number {
  if (message.payload.length < 4) return 0;
  const p = message.payload;
  return new DataView(p.buffer, p.byteOffset, 4).getInt32(0, true);
}

/** The NLMSG_ERROR payload the kernel's `netlink_ack` writes: `-errno`, then the request header. */
export function formatErrorPayload(errno: number, request: Omit<NetlinkMessage, 'payload'>) {
  const bytes = new Uint8Array(4 + NLMSG_HDRLEN);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, -errno, true);
  view.setUint32(4, NLMSG_HDRLEN, true);
  view.setUint16(8, request.type, true);
  view.setUint16(10, request.flags, true);
  view.setUint32(12, request.seq, true);
  view.setUint32(16, request.port, true);
  return bytes;
}
