/**
 * @module The agent's rtnetlink request/response adapter: VIP leases (addresses with finite
 * valid/preferred lifetimes that the kernel removes by itself when they run out), address and
 * link dumps. The socket joins NO multicast group, so no notification can ever queue up on it:
 * the `netlink` package aborts the whole process on a receive-queue overflow (ENOBUFS), and that
 * risk lives in the watcher's child process instead (watch.ts).
 */
import { createRtNetlink, FlagsNew, type RtNetlinkSocket } from 'netlink';
import {
  addressBytes,
  decodeAddress,
  decodeLink,
  familyNumber,
  INFINITY_LIFE_TIME,
} from './decode.js';
import { NetlinkError, toNetlinkError, type NetlinkObject } from './errors.js';
import type {
  AddressFilter,
  AddressKey,
  AddressLease,
  InterfaceAddress,
  Link,
  Rtnetlink,
} from './types.js';

export type * from './types.js';
export { NetlinkError } from './errors.js';

export interface RtnetlinkOptions {
  /** Per-request timeout (a reply never came): rejects with errno ETIMEDOUT. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

function invalid(
  operation: 'addLease' | 'removeAddress',
  object: NetlinkObject,
  why: string,
): NetlinkError {
  return new NetlinkError('EINVAL', operation, object, why);
}

/** Validates a key and returns its family and bytes; throws a NetlinkError (EINVAL) otherwise. */
function checkKey(operation: 'addLease' | 'removeAddress', key: AddressKey) {
  const object: NetlinkObject = {
    interfaceIndex: key.interfaceIndex,
    address: key.address,
    prefixLength: key.prefixLength,
  };
  const parsed = addressBytes(key.address);
  if (!parsed) throw invalid(operation, object, 'not an IPv4 or IPv6 address');
  const max = parsed.family === 'ipv4' ? 32 : 128;
  if (!Number.isInteger(key.prefixLength) || key.prefixLength < 0 || key.prefixLength > max) {
    throw invalid(operation, object, `prefix length must be 0…${max}`);
  }
  if (
    !Number.isInteger(key.interfaceIndex) ||
    key.interfaceIndex <= 0 ||
    key.interfaceIndex > 0x7fffffff
  ) {
    throw invalid(operation, object, 'interface index must be a positive integer');
  }
  return { ...parsed, object };
}

function checkLifetimes(lease: AddressLease, object: NetlinkObject): void {
  const { validLifetimeS: valid, preferredLifetimeS: preferred } = lease;
  if (!Number.isInteger(valid) || valid < 1 || valid >= INFINITY_LIFE_TIME) {
    throw invalid('addLease', object, 'validLifetimeS must be a finite integer ≥ 1');
  }
  if (!Number.isInteger(preferred) || preferred < 0 || preferred > valid) {
    throw invalid('addLease', object, 'preferredLifetimeS must be an integer in 0…validLifetimeS');
  }
}

class RtnetlinkClient implements Rtnetlink {
  constructor(
    private readonly socket: RtNetlinkSocket,
    private readonly timeoutMs: number,
  ) {}

  async addLease(lease: AddressLease): Promise<void> {
    const { family, bytes, object } = checkKey('addLease', lease);
    checkLifetimes(lease, object);
    const ipv6 = family === 'ipv6';
    const attrs = {
      local: bytes,
      address: bytes,
      cacheInfo: { ifaValid: lease.validLifetimeS, ifaPrefered: lease.preferredLifetimeS },
      // IFA_F_NODAD: a VIP must be usable at once, not after duplicate address detection.
      ...(ipv6 ? { flags: { nodad: true as const } } : {}),
      ...(!ipv6 && lease.label !== undefined ? { label: lease.label } : {}),
    };
    const header = {
      family: familyNumber(family),
      prefixlen: lease.prefixLength,
      index: lease.interfaceIndex,
      scope: 0,
    };
    try {
      // REPLACE without EXCL: an existing address gets the new lifetimes instead of EEXIST.
      await this.socket.newAddress(header, attrs, {
        flags: FlagsNew.CREATE | FlagsNew.REPLACE,
        timeout: this.timeoutMs,
      });
    } catch (error) {
      throw toNetlinkError(error, 'addLease', object);
    }
  }

  async removeAddress(key: AddressKey): Promise<boolean> {
    const { family, bytes, object } = checkKey('removeAddress', key);
    const header = {
      family: familyNumber(family),
      prefixlen: key.prefixLength,
      index: key.interfaceIndex,
    };
    try {
      await this.socket.delAddress(
        header,
        { local: bytes, address: bytes },
        { timeout: this.timeoutMs },
      );
      return true;
    } catch (error) {
      const typed = toNetlinkError(error, 'removeAddress', object);
      if (typed.errno === 'EADDRNOTAVAIL') return false;
      throw typed;
    }
  }

  async listAddresses(filter: AddressFilter = {}): Promise<InterfaceAddress[]> {
    const request = filter.family === undefined ? {} : { family: familyNumber(filter.family) };
    const object: NetlinkObject =
      filter.interfaceIndex === undefined ? {} : { interfaceIndex: filter.interfaceIndex };
    let messages;
    try {
      messages = await this.socket.getAddresses(request, {}, { timeout: this.timeoutMs });
    } catch (error) {
      throw toNetlinkError(error, 'listAddresses', object);
    }
    const result: InterfaceAddress[] = [];
    for (const message of messages) {
      // A dump entry that does not decode (another family, a malformed reply) is skipped.
      const address = message.kind === 'address' ? decodeAddress(message) : undefined;
      if (!address) continue;
      if (filter.family !== undefined && address.family !== filter.family) continue;
      if (filter.interfaceIndex !== undefined && address.interfaceIndex !== filter.interfaceIndex)
        continue;
      result.push(address);
    }
    return result;
  }

  async listLinks(): Promise<Link[]> {
    let messages;
    try {
      messages = await this.socket.getLinks({}, {}, { timeout: this.timeoutMs });
    } catch (error) {
      throw toNetlinkError(error, 'listLinks', {});
    }
    const links: Link[] = [];
    for (const message of messages) {
      const link = message.kind === 'link' ? decodeLink(message) : undefined;
      if (link) links.push(link);
    }
    return links.sort((a, b) => a.index - b.index);
  }

  close(): void {
    this.socket.socket.close();
  }
}

/**
 * Dumps run alone on the socket: the netlink package cannot tell apart two multipart replies
 * that interleave ("Multipart message not terminated properly"), nor another reply arriving in
 * the middle of one. Single requests (add, remove) are matched by sequence number and may
 * overlap each other, so that VIPs of several instances becoming MASTER at once are added in
 * parallel, not one round trip after another.
 */
function serialized(client: Rtnetlink): Rtnetlink {
  let dumps: Promise<unknown> = Promise.resolve();
  const inflight = new Set<Promise<unknown>>();
  const shared = <T>(request: () => Promise<T>): Promise<T> => {
    const result = dumps.then(request, request);
    const settled = result.catch(() => undefined);
    inflight.add(settled);
    void settled.then(() => inflight.delete(settled));
    return result;
  };
  const exclusive = <T>(dump: () => Promise<T>): Promise<T> => {
    const result = Promise.all([dumps, ...inflight]).then(dump, dump);
    dumps = result.catch(() => undefined);
    return result;
  };
  return {
    addLease: (lease) => shared(() => client.addLease(lease)),
    removeAddress: (key) => shared(() => client.removeAddress(key)),
    listAddresses: (filter) => exclusive(() => client.listAddresses(filter)),
    listLinks: () => exclusive(() => client.listLinks()),
    close: () => client.close(),
  };
}

/**
 * Opens a NETLINK_ROUTE socket for requests only (no multicast membership). The socket does not
 * keep the event loop alive between requests. Throws a NetlinkError (operation `open`) when the
 * socket cannot be created.
 */
export function openRtnetlink(options: RtnetlinkOptions = {}): Rtnetlink {
  try {
    // recvBufferSize/sendBufferSize 0: leave the kernel defaults (the typings demand both).
    const socket = createRtNetlink({ ref: false, recvBufferSize: 0, sendBufferSize: 0 });
    return serialized(new RtnetlinkClient(socket, options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
  } catch (error) {
    throw toNetlinkError(error, 'open', {});
  }
}
