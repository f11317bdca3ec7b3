/**
 * @module Many generic-netlink requests in ONE datagram. The kernel's `netlink_rcv_skb` handles
 * every message of a datagram in turn and acknowledges each (NLM_F_ACK), going on after a
 * failed one, so a batch costs one sendmsg(2) instead of one per request, and none of the
 * `netlink` package's per-message formatting. The package still receives and dispatches the
 * acknowledgements by sequence number: this module registers them through its request table
 * (`makeRef`/`dropRef`, not in its typings; the package is pinned at 0.3.0).
 */
import { getSystemErrorName } from 'node:util';
import { parseError, type GenericNetlinkSocket, type NetlinkMessage } from 'netlink';

/** `NLM_F_REQUEST | NLM_F_ACK` (linux/netlink.h). */
const REQUEST_WITH_ACK = 0x1 | 0x4;
const NLMSG_ERROR = 2;
/** nlmsghdr (16) + genlmsghdr (4). */
const HEADERS_LENGTH = 20;

type ReplyCallback = (error: Error | null, messages?: NetlinkMessage[]) => void;

/** The parts of `NetlinkSocket` 0.3.0 that its typings leave out. */
interface NetlinkSocketInternals {
  generateSeq(): number;
  makeRef(seq: number, callback: ReplyCallback): number;
  dropRef(seq: number): void;
  socket: { send(data: Uint8Array, options: object, callback: (error?: Error) => void): void };
}

export interface BatchRequest {
  /** `IPVS_CMD_*`. */
  command: number;
  /** Attribute stream, a multiple of 4 bytes (the codec pads every attribute). */
  payload: Uint8Array;
}

/** The wire form of one batch: the datagram and each request's sequence number. */
export function formatBatch(
  requests: readonly BatchRequest[],
  header: { familyId: number; version: number; port: number; nextSeq: () => number },
): { datagram: Uint8Array; seqs: number[] } {
  const total = requests.reduce((n, r) => n + HEADERS_LENGTH + r.payload.length, 0);
  const datagram = new Uint8Array(total);
  const view = new DataView(datagram.buffer);
  const seqs: number[] = [];
  let at = 0;
  for (const { command, payload } of requests) {
    if (payload.length % 4 !== 0) throw new RangeError('payload not 4-byte aligned');
    const seq = header.nextSeq();
    seqs.push(seq);
    view.setUint32(at, HEADERS_LENGTH + payload.length, true);
    view.setUint16(at + 4, header.familyId, true);
    view.setUint16(at + 6, REQUEST_WITH_ACK, true);
    view.setUint32(at + 8, seq, true);
    view.setUint32(at + 12, header.port, true);
    datagram[at + 16] = command;
    datagram[at + 17] = header.version;
    datagram.set(payload, at + HEADERS_LENGTH);
    at += HEADERS_LENGTH + payload.length;
  }
  return { datagram, seqs };
}

/**
 * Sends the requests in one datagram and resolves, in order, each one's outcome: `undefined`
 * when the kernel acknowledged it, else the errno's name (`EEXIST`, `ETIMEDOUT` …).
 */
export function sendBatch(
  socket: GenericNetlinkSocket,
  header: { familyId: number; version: number; port: number },
  requests: readonly BatchRequest[],
  timeoutMs: number,
): Promise<(string | undefined)[]> {
  const nl = socket.socket as unknown as NetlinkSocketInternals;
  const { datagram, seqs } = formatBatch(requests, { ...header, nextSeq: () => nl.generateSeq() });
  const outcomes: (string | undefined)[] = new Array<string>(seqs.length).fill('ETIMEDOUT');
  const settled = new Array<boolean>(seqs.length).fill(false);
  return new Promise((resolve) => {
    let pending = seqs.length;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      for (const seq of seqs) nl.dropRef(seq);
      resolve(outcomes);
    };
    const settle = (i: number, outcome: string | undefined): void => {
      if (settled[i] || finished) return;
      settled[i] = true;
      outcomes[i] = outcome;
      if (--pending === 0) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    seqs.forEach((seq, i) =>
      nl.makeRef(seq, (error, messages) => settle(i, error ? 'EBADMSG' : ackOutcome(messages))),
    );
    const bytes = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength);
    nl.socket.send(bytes, {}, (error) => {
      if (error) seqs.forEach((_, i) => settle(i, 'EIO'));
    });
  });
}

/** `undefined` for an ACK (error 0), the errno's name for a refusal (linux/netlink.h nlmsgerr). */
function ackOutcome(messages: NetlinkMessage[] | undefined): string | undefined {
  const [reply] = messages ?? [];
  if (reply?.type !== NLMSG_ERROR) return undefined; // a reply other than an ACK: not ours to judge
  const { errno } = parseError(reply.data, reply.flags);
  if (errno === 0) return undefined;
  try {
    return getSystemErrorName(errno);
  } catch {
    return `ERRNO${-errno}`;
  }
}
