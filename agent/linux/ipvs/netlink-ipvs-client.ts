/**
 * @module The one module that owns the IPVS generic-netlink sockets (`netlink` package): resolves
 * the family, sends the codec's requests, reassembles dumps, and turns kernel errors into
 * `IpvsError`s naming the operation and the object. Pure encoding and decoding live in
 * core/ipvs/codec.ts; this file only moves bytes.
 */
import { createGenericNetlink, FlagsGet, genl, type GenericNetlinkSocket } from 'netlink';
import {
  decodeDestination,
  decodeInfo,
  decodeService,
  decodeTimeouts,
  encodeDelDestination,
  encodeDelService,
  encodeGetConfig,
  encodeGetDestinations,
  encodeGetInfo,
  encodeGetServices,
  encodeNewDestination,
  encodeNewService,
  encodeSetDestination,
  encodeSetService,
  encodeSetTimeouts,
  IPVS_GENL_NAME,
  type IpvsInfo,
  type IpvsRequest,
  type IpvsTimeouts,
} from '../../core/ipvs/codec.js';
import type { IpvsOp } from '../../core/ipvs/operations.js';
import { destinationKey, serviceKey, type ObservedService } from '../../core/ipvs/model.js';
import { IpvsError, IpvsUnavailableError, toIpvsError, type IpvsOperation } from './ipvs-error.js';
import type { ApplyOutcome, IpvsClient, IpvsListing } from './ipvs-client.js';

export interface NetlinkIpvsClientOptions {
  /** A request without an answer in this long fails with ETIMEDOUT (default 5 s). */
  requestTimeoutMs?: number;
  /**
   * Sockets for listing destinations in parallel: a netlink socket runs one dump at a time,
   * and the table is one GET_DEST dump per service (default 4).
   */
  listSockets?: number;
  /** Requests in flight at once in `applyAll` (ACKs queue in the socket buffer; default 64). */
  applyWindow?: number;
}

export class NetlinkIpvsClient implements IpvsClient {
  private readonly listPool: GenericNetlinkSocket[] = [];

  private constructor(
    private readonly main: GenericNetlinkSocket,
    private readonly familyId: number,
    private readonly familyVersion: number,
    readonly info: IpvsInfo,
    private readonly options: Required<NetlinkIpvsClientOptions>,
  ) {}

  /** Opens the socket and resolves the `IPVS` family; `IpvsUnavailableError` without ip_vs. */
  static async open(options: NetlinkIpvsClientOptions = {}): Promise<NetlinkIpvsClient> {
    const settings = { requestTimeoutMs: 5000, listSockets: 4, applyWindow: 64, ...options };
    const main = createGenericNetlink();
    try {
      const [family] = await main
        .ctrlRequest(
          genl.Commands.GET_FAMILY,
          { familyName: IPVS_GENL_NAME },
          {
            timeout: settings.requestTimeoutMs,
          },
        )
        .catch((error: unknown) => {
          const wrapped = toIpvsError(error, 'open', IPVS_GENL_NAME);
          throw wrapped.errno === 'ENOENT' ? new IpvsUnavailableError(wrapped.message) : wrapped;
        });
      if (family?.familyId === undefined) throw new IpvsUnavailableError('no family id');
      const version = family.version ?? 1;
      const [reply] = await request(main, family.familyId, version, encodeGetInfo(), settings);
      const info = reply ? decodeInfo(reply) : undefined;
      if (!info?.ok) throw new IpvsError('EBADMSG', 'info', 'IPVS', 'unreadable GET_INFO reply');
      return new NetlinkIpvsClient(main, family.familyId, version, info.value, settings);
    } catch (error) {
      main.socket.close();
      throw error instanceof IpvsError ? error : toIpvsError(error, 'open', IPVS_GENL_NAME);
    }
  }

  /** Every service with its destinations; entries the codec cannot read are listed apart. */
  async list(): Promise<IpvsListing> {
    const listing: IpvsListing = { services: [], unreadable: [] };
    const replies = await this.send(this.main, encodeGetServices(), 'list-services', 'all');
    const services: ObservedService[] = [];
    for (const payload of replies) {
      const decoded = decodeService(payload);
      if (decoded.ok) services.push(decoded.value);
      else listing.unreadable.push({ entry: 'service', ...decoded });
    }
    const pool = this.pool();
    let next = 0;
    const worker = async (socket: GenericNetlinkSocket): Promise<void> => {
      while (next < services.length) {
        const service = services[next++]!;
        const request = encodeGetDestinations(service);
        const key = serviceKey(service);
        const dests = await this.send(socket, request, 'list-destinations', key);
        const destinations = [];
        for (const payload of dests) {
          const decoded = decodeDestination(payload, service.family);
          if (decoded.ok) destinations.push(decoded.value);
          else listing.unreadable.push({ entry: 'destination', service, ...decoded });
        }
        listing.services.push({ ...service, destinations });
      }
    };
    await Promise.all(pool.map(worker));
    listing.services.sort((a, b) => (serviceKey(a) < serviceKey(b) ? -1 : 1));
    return listing;
  }

  /** Applies one operation; rejects with an `IpvsError`. */
  async apply(op: IpvsOp): Promise<void> {
    const { request, object } = requestFor(op);
    await this.send(this.main, request(), op.type, object);
  }

  /**
   * Applies operations in order, pipelined (`applyWindow` in flight): the kernel handles each
   * request inside its sendmsg(2), so order is kept. A failed operation does not stop the
   * rest (a destination of a service that failed fails in turn, with its own error).
   */
  async applyAll(ops: readonly IpvsOp[]): Promise<ApplyOutcome> {
    const outcome: ApplyOutcome = { applied: 0, failed: [] };
    const inFlight = new Set<Promise<void>>();
    for (const op of ops) {
      if (inFlight.size >= this.options.applyWindow) await Promise.race(inFlight);
      const done = this.apply(op).then(
        () => void (outcome.applied += 1),
        (error: unknown) => void outcome.failed.push({ op, error: error as IpvsError }),
      );
      inFlight.add(done);
      void done.then(() => inFlight.delete(done));
    }
    await Promise.all(inFlight);
    return outcome;
  }

  async getTimeouts(): Promise<Partial<IpvsTimeouts>> {
    const [reply] = await this.send(this.main, encodeGetConfig(), 'get-timeouts', 'config');
    const decoded = reply ? decodeTimeouts(reply) : undefined;
    if (!decoded?.ok) throw new IpvsError('EBADMSG', 'get-timeouts', 'config', 'unreadable reply');
    return decoded.value;
  }

  async setTimeouts(timeouts: Partial<IpvsTimeouts>): Promise<void> {
    await this.send(this.main, encodeSetTimeouts(timeouts), 'set-timeouts', 'config');
  }

  close(): void {
    for (const socket of [this.main, ...this.listPool]) socket.socket.close();
    this.listPool.length = 0;
  }

  private pool(): GenericNetlinkSocket[] {
    while (this.listPool.length < this.options.listSockets) {
      this.listPool.push(createGenericNetlink());
    }
    return this.listPool;
  }

  private async send(
    socket: GenericNetlinkSocket,
    req: IpvsRequest,
    operation: IpvsOperation,
    object: string,
  ): Promise<Buffer[]> {
    try {
      return await request(socket, this.familyId, this.familyVersion, req, this.options);
    } catch (error) {
      throw toIpvsError(error, operation, object);
    }
  }
}

async function request(
  socket: GenericNetlinkSocket,
  familyId: number,
  version: number,
  req: IpvsRequest,
  options: { requestTimeoutMs: number },
): Promise<Buffer[]> {
  const flags = req.dump ? FlagsGet.DUMP : 0;
  const [messages] = await socket.request(familyId, req.command, version, req.payload, {
    flags,
    timeout: options.requestTimeoutMs,
  });
  return messages.map((m) => m.data);
}

/** The request for an operation (encoded lazily: an encoder's RangeError fails only that op). */
function requestFor(op: IpvsOp): { request: () => IpvsRequest; object: string } {
  switch (op.type) {
    case 'add-service':
      return { request: () => encodeNewService(op.service), object: serviceKey(op.service) };
    case 'update-service':
      return { request: () => encodeSetService(op.service), object: serviceKey(op.service) };
    case 'delete-service':
      return { request: () => encodeDelService(op.service), object: serviceKey(op.service) };
    case 'add-destination':
      return {
        request: () => encodeNewDestination(op.service, op.destination),
        object: `${serviceKey(op.service)} → ${destinationKey(op.destination)}`,
      };
    case 'update-destination':
      return {
        request: () => encodeSetDestination(op.service, op.destination),
        object: `${serviceKey(op.service)} → ${destinationKey(op.destination)}`,
      };
    case 'delete-destination':
      return {
        request: () => encodeDelDestination(op.service, op.destination),
        object: `${serviceKey(op.service)} → ${destinationKey(op.destination)}`,
      };
  }
}
