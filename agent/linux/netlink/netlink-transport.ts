/**
 * @module The netlink socket port: send a datagram, receive datagrams. Everything above it
 * (sequence numbers, acknowledgements, dumps, errno, batching) is genl-connection.ts, which a
 * fake transport (test/support/netlink/) drives in unit tests. The real adapter is the `netlink`
 * package's `RawNetlinkSocket`, through its public API only.
 */
import { Protocol, RawNetlinkSocket } from 'netlink';

export interface NetlinkTransportEvents {
  /** One received datagram (one or more netlink messages). */
  datagram(bytes: Uint8Array): void;
  /** The socket failed (e.g. ENOBUFS: replies were lost); errno name. */
  error(errno: string): void;
}

export interface NetlinkTransport {
  /** The socket's netlink port (`nlmsg_pid` of its requests). */
  readonly port: number;
  /** Sends one datagram; `done` gets the errno name when sendmsg(2) failed. */
  send(datagram: Uint8Array, done: (errno?: string) => void): void;
  /** Sets the one receiver of this transport's datagrams and errors. */
  listen(events: NetlinkTransportEvents): void;
  /** Requests are pending (keep the process alive for their answers) or none are. */
  hold(pending: boolean): void;
  close(): void;
}

/** A `NETLINK_GENERIC` socket (bound to a fresh port) behind the transport port. */
export function openGenericNetlinkTransport(): NetlinkTransport {
  // The package's defaults stay: it peeks at each datagram's size and allocates exactly that.
  const socket = new RawNetlinkSocket(Protocol.GENERIC);
  socket.unref();
  const port = socket.address().port;
  return {
    port,
    send(datagram, done) {
      socket.send(datagram, {}, (error) => done(error ? (error.code ?? 'EIO') : undefined));
    },
    listen(events) {
      socket.on('message', (bytes) => events.datagram(bytes));
      socket.on('truncatedMessage', () => events.error('EMSGSIZE'));
      socket.on('error', (error) => events.error(error.code ?? 'EIO'));
    },
    hold(pending) {
      if (pending) socket.ref();
      else socket.unref();
    },
    close() {
      socket.close();
    },
  };
}
