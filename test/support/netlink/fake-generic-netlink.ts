/**
 * @module A fake generic-netlink kernel behind the transport port, in the style of
 * mdlayher/netlink's `nltest` (used by cloudflare/ipvs): each datagram a transport sends is split
 * into its messages, each message goes to the handler of its family, and the kernel's framing
 * comes back as the kernel frames it — dump entries with NLM_F_MULTI then NLMSG_DONE, an
 * NLMSG_ERROR with the errno for a refusal (with or without NLM_F_ACK) and with 0 for an
 * acknowledged request, one ACK per datagram, as `netlink_rcv_skb` does. The controller family
 * answers CTRL_CMD_GETFAMILY for every registered family (ENOENT for others).
 */
import { CtrlCmd, encodeFamily, GENL_CTRL } from '../../../agent/linux/netlink/genl-ctrl.js';
import {
  formatErrorPayload,
  formatMessage,
  GENL_HDRLEN,
  NlmFlag,
  NlmsgType,
  parseDatagram,
  type GenlFamily,
  type NetlinkMessage,
} from '../../../agent/linux/netlink/netlink-frame.js';
import type {
  NetlinkTransport,
  NetlinkTransportEvents,
} from '../../../agent/linux/netlink/netlink-transport.js';
import {
  readAttributes,
  attributeTable,
  readString,
} from '../../../agent/core/ipvs/netlink-attributes.js';

/** A request as a family handler sees it. */
export interface GenlCall {
  command: number;
  version: number;
  dump: boolean;
  /** The attribute stream after the genlmsghdr. */
  attributes: Uint8Array;
}

/** A reply message: its command and attribute stream. */
export interface GenlReply {
  command: number;
  attributes: Uint8Array;
}

/** A refusal with a positive errno (e.g. `Errno.EEXIST`), or the reply messages. */
export type GenlAnswer = { errno: number } | { replies: GenlReply[] };

export type GenlHandler = (call: GenlCall) => GenlAnswer;

/** The errno numbers of <asm-generic/errno-base.h> and <asm-generic/errno.h> the fakes use. */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EBUSY: 16,
  EEXIST: 17,
  EINVAL: 22,
  ERANGE: 34,
  EOPNOTSUPP: 95,
  EAFNOSUPPORT: 97,
} as const;

export class FakeGenericNetlink {
  private readonly families = new Map<
    number,
    { name: string; version: number; handle: GenlHandler }
  >();
  private nextFamilyId = 0x1d;
  private nextPort = 1000;
  /** Every datagram sent, as messages, in order (one entry per sendmsg(2)). */
  readonly sent: NetlinkMessage[][] = [];
  /** Dump entries per received datagram (the kernel fills ~one page per datagram). */
  dumpEntriesPerDatagram = 2;
  /** While true the kernel swallows requests without answering (a stalled or lost reply). */
  silent = false;
  /** Open transports. */
  readonly transports = new Set<NetlinkTransport>();

  register(name: string, version: number, handle: GenlHandler): GenlFamily {
    const id = this.nextFamilyId++;
    this.families.set(id, { name, version, handle });
    return { id, version };
  }

  /** A new socket on this kernel: the `openTransport` of a client under test. */
  open = (): NetlinkTransport => {
    const port = this.nextPort++;
    let events: NetlinkTransportEvents | undefined;
    let closed = false;
    /** A dump runs until its NLMSG_DONE is delivered; a second one meanwhile is EBUSY. */
    const state = { dumping: false };
    const transports = this.transports;
    const transport: NetlinkTransport = {
      port,
      send: (datagram, done) => {
        if (closed) throw new Error('send on a closed transport');
        const messages = parseDatagram(datagram);
        this.sent.push(messages);
        const out = this.silent ? [] : messages.flatMap((m) => this.answer(m, port, state));
        setImmediate(() => {
          done();
          for (const { bytes, endsDump } of out) {
            if (endsDump) state.dumping = false;
            if (!closed) events?.datagram(bytes);
          }
        });
      },
      listen(handlers) {
        events = handlers;
      },
      hold() {},
      close: () => {
        closed = true;
        transports.delete(transport);
      },
    };
    this.transports.add(transport);
    return transport;
  };

  /** The datagrams the kernel sends back for one request message. */
  private answer(
    request: NetlinkMessage,
    port: number,
    state: { dumping: boolean },
  ): { bytes: Uint8Array; endsDump?: boolean }[] {
    const bytes = (datagrams: Uint8Array[]) => datagrams.map((b) => ({ bytes: b }));
    const header = { seq: request.seq, port };
    const error = (errno: number) =>
      formatMessage(
        { type: NlmsgType.ERROR, flags: 0, ...header },
        formatErrorPayload(errno, request),
      );
    const dump = (request.flags & NlmFlag.DUMP) === NlmFlag.DUMP;
    const family = request.type === GENL_CTRL.id ? undefined : this.families.get(request.type);
    if (request.type !== GENL_CTRL.id && !family) return bytes([error(Errno.ENOENT)]);
    // netlink_dump_start: one dump at a time per socket.
    if (dump && state.dumping) return bytes([error(Errno.EBUSY)]);
    const call: GenlCall = {
      command: request.payload[0]!,
      version: request.payload[1]!,
      dump,
      attributes: request.payload.subarray(GENL_HDRLEN),
    };
    const answer = family ? family.handle(call) : this.controller(call);
    if ('errno' in answer) return bytes([error(answer.errno)]);
    const type = request.type;
    const message = (reply: GenlReply, flags: number) => {
      const payload = new Uint8Array(GENL_HDRLEN + reply.attributes.length);
      payload[0] = reply.command;
      payload[1] = family?.version ?? GENL_CTRL.version;
      payload.set(reply.attributes, GENL_HDRLEN);
      return formatMessage({ type, flags, ...header }, payload);
    };
    if (dump) {
      const datagrams: Uint8Array[] = [];
      const per = this.dumpEntriesPerDatagram;
      for (let i = 0; i < answer.replies.length; i += per) {
        const chunk = answer.replies.slice(i, i + per).map((r) => message(r, NlmFlag.MULTI));
        datagrams.push(Buffer.concat(chunk));
      }
      const done = formatMessage(
        { type: NlmsgType.DONE, flags: NlmFlag.MULTI, ...header },
        new Uint8Array(4),
      );
      state.dumping = true;
      return [...bytes(datagrams), { bytes: done, endsDump: true }];
    }
    const replies = answer.replies.map((r) => message(r, 0));
    const ack = (request.flags & NlmFlag.ACK) !== 0 ? [error(0)] : [];
    return bytes([...replies, ...ack]);
  }

  /** CTRL_CMD_GETFAMILY by name (net/netlink/genetlink.c `ctrl_getfamily`). */
  private controller(call: GenlCall): GenlAnswer {
    if (call.command !== CtrlCmd.GETFAMILY || call.dump) return { errno: Errno.EOPNOTSUPP };
    const name = attributeTable(readAttributes(call.attributes)).get(2);
    if (!name) return { errno: Errno.EINVAL };
    const wanted = readString(name);
    for (const [id, family] of this.families) {
      if (family.name === wanted) {
        const attributes = encodeFamily({ id, name: wanted, version: family.version });
        return { replies: [{ command: CtrlCmd.NEWFAMILY, attributes }] };
      }
    }
    return { errno: Errno.ENOENT };
  }
}
