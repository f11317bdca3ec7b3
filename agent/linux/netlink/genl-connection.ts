/**
 * @module Generic-netlink requests over one socket (the transport port): sequence numbers, the
 * answers matched to their requests, dumps reassembled across datagrams, `NLMSG_ERROR` turned
 * into an errno name, timeouts, and batches (many requests in one datagram). A command family
 * on top of it is an encoder to a `GenlRequest` and a decoder of the reply payloads.
 *
 * The kernel's `netlink_rcv_skb` handles every message of a datagram in turn and acknowledges
 * each (NLM_F_ACK), going on after a failed one, so a batch costs one sendmsg(2) and each
 * request still gets its own outcome. A dump is answered by NLM_F_MULTI messages and
 * NLMSG_DONE, and a socket runs one dump at a time (a second is EBUSY): callers serialize.
 */
import { getSystemErrorName } from 'node:util';
import { decodeFamily, encodeGetFamily, GENL_CTRL } from './genl-ctrl.js';
import {
  errorCode,
  formatGenlRequests,
  GENL_HDRLEN,
  NlmsgType,
  parseDatagram,
  type GenlFamily,
  type GenlRequest,
  type NetlinkMessage,
} from './netlink-frame.js';
import type { NetlinkTransport } from './netlink-transport.js';

/** A request the kernel refused, or that got no answer (`ETIMEDOUT`), or could not be sent. */
export class NetlinkRequestError extends Error {
  override readonly name = 'NetlinkRequestError';
  constructor(readonly errno: string) {
    super(`Request rejected: ${errno}`);
  }
}

/** The answer to one request: its reply payloads (after the genlmsghdr), or the errno name. */
export type GenlOutcome = { ok: true; replies: Uint8Array[] } | { ok: false; errno: string };

interface Pending {
  replies: Uint8Array[];
  settle(outcome: GenlOutcome): void;
}

/**
 * `ENOENT` from 2; an errno Node does not know keeps its number. 95 is named as the kernel
 * names it (`EOPNOTSUPP`; libuv says `ENOTSUP`, the same number on Linux).
 */
export function errnoName(errno: number): string {
  try {
    const name = getSystemErrorName(-errno);
    return name === 'ENOTSUP' ? 'EOPNOTSUPP' : name;
  } catch {
    return `ERRNO${errno}`;
  }
}

export class GenlConnection {
  private readonly pending = new Map<number, Pending>();
  private seq = Math.floor(Math.random() * 0x7fff_ffff);
  /** Datagrams that did not parse, and messages no request was waiting for: counted drops. */
  readonly dropped = { datagrams: 0, messages: 0 };

  constructor(
    private readonly transport: NetlinkTransport,
    private readonly timeoutMs: number,
  ) {
    transport.listen({
      datagram: (bytes) => this.receive(bytes),
      // Lost replies (ENOBUFS): every pending request fails rather than waits out its timeout.
      error: (errno) => this.failAll(errno),
    });
  }

  /** Resolves a family by name (CTRL_CMD_GETFAMILY); rejects with ENOENT when there is none. */
  async family(name: string): Promise<GenlFamily> {
    const [reply] = await this.request(GENL_CTRL, encodeGetFamily(name));
    if (!reply) throw new NetlinkRequestError('EBADMSG');
    const { id, version } = decodeFamily(reply);
    return { id, version };
  }

  /** One request: its reply payloads (a dump's entries), or a `NetlinkRequestError`. */
  async request(family: GenlFamily, request: GenlRequest): Promise<Uint8Array[]> {
    const [outcome] = await this.batch(family, [request]);
    if (!outcome!.ok) throw new NetlinkRequestError(outcome!.errno);
    return outcome!.replies;
  }

  /**
   * Sends the requests in one datagram and resolves, in order, each one's outcome; never
   * rejects. Unanswered requests are `ETIMEDOUT` after the connection's timeout.
   */
  batch(family: GenlFamily, requests: readonly GenlRequest[]): Promise<GenlOutcome[]> {
    if (requests.length === 0) return Promise.resolve([]);
    const seqs = requests.map(() => this.nextSeq());
    const datagram = formatGenlRequests(family, requests, { port: this.transport.port, seqs });
    const outcomes: GenlOutcome[] = seqs.map(() => ({ ok: false, errno: 'ETIMEDOUT' }));
    return new Promise((resolve) => {
      let open = seqs.length;
      const finish = (): void => {
        clearTimeout(timer);
        for (const seq of seqs) this.pending.delete(seq);
        this.transport.hold(this.pending.size > 0);
        resolve(outcomes);
      };
      const timer = setTimeout(finish, this.timeoutMs);
      seqs.forEach((seq, i) => {
        this.pending.set(seq, {
          replies: [],
          settle: (outcome) => {
            this.pending.delete(seq);
            outcomes[i] = outcome;
            if (--open === 0) finish();
          },
        });
      });
      this.transport.hold(true);
      this.transport.send(datagram, (errno) => {
        if (errno) for (const seq of seqs) this.pending.get(seq)?.settle({ ok: false, errno });
      });
    });
  }

  close(): void {
    this.failAll('ECANCELED');
    this.transport.close();
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0 || 1;
    return this.seq;
  }

  private failAll(errno: string): void {
    for (const pending of [...this.pending.values()]) pending.settle({ ok: false, errno });
  }

  private receive(bytes: Uint8Array): void {
    let messages: NetlinkMessage[];
    try {
      messages = parseDatagram(bytes);
    } catch {
      this.dropped.datagrams += 1;
      return;
    }
    for (const message of messages) this.dispatch(message);
  }

  private dispatch(message: NetlinkMessage): void {
    const pending = this.pending.get(message.seq);
    if (!pending) {
      this.dropped.messages += 1;
      return;
    }
    switch (message.type) {
      case NlmsgType.NOOP:
        return;
      case NlmsgType.ERROR:
      case NlmsgType.DONE: {
        // ERROR 0 acknowledges a request; DONE ends a dump, with an error when it broke off.
        const code = errorCode(message);
        pending.settle(
          code === 0
            ? { ok: true, replies: pending.replies }
            : { ok: false, errno: errnoName(-code) },
        );
        return;
      }
      case NlmsgType.OVERRUN:
        pending.settle({ ok: false, errno: 'EOVERFLOW' });
        return;
      default:
        pending.replies.push(message.payload.subarray(GENL_HDRLEN));
    }
  }
}
