/**
 * @module The IPVS client over generic netlink: resolves the `IPVS` family, sends the codec's
 * requests (batched in `applyAll`), lists the table over a pool of sockets, and turns kernel
 * errors into `IpvsError`s naming the operation and the object. Pure encoding and decoding live
 * in core/ipvs/codec.ts, request bookkeeping in linux/netlink/genl-connection.ts, the socket
 * behind the transport port (linux/netlink/netlink-transport.ts; a fake one in unit tests).
 */
import {
  decodeDestination,
  decodeInfo,
  decodeService,
  decodeTimeouts,
  encodeGetConfig,
  encodeGetDestinations,
  encodeGetInfo,
  encodeGetServices,
  encodeSetTimeouts,
  IPVS_GENL_NAME,
  type IpvsInfo,
  type IpvsRequest,
  type IpvsTimeouts,
} from '../../core/ipvs/codec.js';
import type { IpvsOp } from '../../core/ipvs/operations.js';
import { serviceKey, type ObservedService } from '../../core/ipvs/model.js';
import { objectOf, requestFor } from '../../core/ipvs/op-request.js';
import { IpvsError, IpvsUnavailableError, toIpvsError, type IpvsOperation } from './ipvs-error.js';
import { GenlConnection } from '../netlink/genl-connection.js';
import type { GenlFamily } from '../netlink/netlink-frame.js';
import {
  openGenericNetlinkTransport,
  type NetlinkTransport,
} from '../netlink/netlink-transport.js';
import type { ApplyOutcome, IpvsClient, IpvsListing } from './ipvs-client.js';

export interface NetlinkIpvsClientOptions {
  /** A request without an answer in this long fails with ETIMEDOUT (default 5 s). */
  requestTimeoutMs?: number;
  /**
   * Sockets for listing destinations in parallel: a netlink socket runs one dump at a time,
   * and the table is one GET_DEST dump per service (default 4).
   */
  listSockets?: number;
  /**
   * Requests in flight at once in `applyAll` (default 64): their ACKs queue in the socket's
   * receive buffer, and an overflow there would lose them.
   */
  applyWindow?: number;
  /** Requests per datagram in `applyAll` (default 32). */
  batchSize?: number;
  /** Opens one socket (default: a NETLINK_GENERIC socket; a fake transport in unit tests). */
  openTransport?: () => NetlinkTransport;
}

type Settings = Required<Omit<NetlinkIpvsClientOptions, 'openTransport'>> & {
  openTransport: () => NetlinkTransport;
};

export class NetlinkIpvsClient implements IpvsClient {
  private readonly listPool: GenlConnection[] = [];
  /**
   * One call at a time: the kernel refuses a second dump on a socket while one runs (EBUSY), and
   * the reconcile loop, metric scrapes and status reports all list. Calls queue in order.
   */
  private queue: Promise<unknown> = Promise.resolve();

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private constructor(
    private readonly main: GenlConnection,
    private readonly family: GenlFamily,
    readonly info: IpvsInfo,
    private readonly options: Settings,
  ) {}

  /** Opens the socket and resolves the `IPVS` family; `IpvsUnavailableError` without ip_vs. */
  static async open(options: NetlinkIpvsClientOptions = {}): Promise<NetlinkIpvsClient> {
    const settings: Settings = {
      ...{ requestTimeoutMs: 5000, listSockets: 4, applyWindow: 64, batchSize: 32 },
      ...{ openTransport: openGenericNetlinkTransport },
      ...options,
    };
    const main = new GenlConnection(settings.openTransport(), settings.requestTimeoutMs);
    try {
      const family = await main.family(IPVS_GENL_NAME).catch((error: unknown) => {
        const wrapped = toIpvsError(error, 'open', IPVS_GENL_NAME);
        throw wrapped.errno === 'ENOENT' ? new IpvsUnavailableError(wrapped.message) : wrapped;
      });
      const [reply] = await main.request(family, encodeGetInfo());
      const info = reply ? decodeInfo(reply) : undefined;
      if (!info?.ok) throw new IpvsError('EBADMSG', 'info', 'IPVS', 'unreadable GET_INFO reply');
      return new NetlinkIpvsClient(main, family, info.value, settings);
    } catch (error) {
      main.close();
      throw error instanceof IpvsError ? error : toIpvsError(error, 'open', IPVS_GENL_NAME);
    }
  }

  /**
   * Every service with its destinations; entries the codec cannot read are listed apart.
   * `stats: false` skips the counters (zero): planning compares config only.
   */
  list(options: { stats?: boolean } = {}): Promise<IpvsListing> {
    return this.exclusive(() => this.listNow(options));
  }

  private async listNow(options: { stats?: boolean }): Promise<IpvsListing> {
    const decodeOptions = { stats: options.stats ?? true };
    const listing: IpvsListing = { services: [], unreadable: [] };
    const replies = await this.send(this.main, encodeGetServices(), 'list-services', 'all');
    const services: ObservedService[] = [];
    for (const payload of replies) {
      const decoded = decodeService(payload, decodeOptions);
      if (decoded.ok) services.push(decoded.value);
      else listing.unreadable.push({ entry: 'service', ...decoded });
    }
    const pool = this.pool();
    let next = 0;
    const worker = async (socket: GenlConnection): Promise<void> => {
      while (next < services.length) {
        const service = services[next++]!;
        const request = encodeGetDestinations(service);
        const key = serviceKey(service);
        const dests = await this.send(socket, request, 'list-destinations', key);
        const destinations = [];
        for (const payload of dests) {
          const decoded = decodeDestination(payload, service.family, decodeOptions);
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
  apply(op: IpvsOp): Promise<void> {
    return this.exclusive(() => this.applyNow(op));
  }

  private async applyNow(op: IpvsOp): Promise<void> {
    const object = objectOf(op);
    let req: IpvsRequest;
    try {
      req = requestFor(op);
    } catch (error) {
      // The encoder refuses what the kernel would reject or misread (a bug upstream).
      throw new IpvsError('EINVAL', op.type, object, (error as Error).message, { cause: error });
    }
    await this.send(this.main, req, op.type, object);
  }

  /**
   * Applies operations in order, `batchSize` requests per datagram (netlink-batch.ts) and
   * `applyWindow` requests in flight: the kernel handles a datagram's requests in order and
   * acknowledges each, so a failed operation does not stop the rest (a destination of a
   * service that failed fails in turn, with its own error).
   */
  applyAll(ops: readonly IpvsOp[]): Promise<ApplyOutcome> {
    return this.exclusive(() => this.applyAllNow(ops));
  }

  private async applyAllNow(ops: readonly IpvsOp[]): Promise<ApplyOutcome> {
    const outcome: ApplyOutcome = { applied: 0, failed: [] };
    const { batchSize, applyWindow } = this.options;
    const batchesInFlight = Math.max(1, Math.floor(applyWindow / batchSize));
    let inFlight = 0;
    let wake: (() => void) | undefined;
    const slot = () => new Promise<void>((resolve) => (wake = resolve));
    for (let first = 0; first < ops.length; first += batchSize) {
      const batch = this.encodeBatch(ops.slice(first, first + batchSize), outcome);
      if (batch.length === 0) continue;
      while (inFlight >= batchesInFlight) await slot();
      inFlight += 1;
      void this.sendApplyBatch(batch, outcome).finally(() => {
        inFlight -= 1;
        wake?.();
        wake = undefined;
      });
    }
    while (inFlight > 0) await slot();
    return outcome;
  }

  /** Encodes each op; one the encoder refuses fails alone, as `apply` would fail it. */
  private encodeBatch(ops: readonly IpvsOp[], outcome: ApplyOutcome) {
    const batch: { op: IpvsOp; request: IpvsRequest }[] = [];
    for (const op of ops) {
      try {
        batch.push({ op, request: requestFor(op) });
      } catch (error) {
        const message = (error as Error).message;
        outcome.failed.push({ op, error: new IpvsError('EINVAL', op.type, objectOf(op), message) });
      }
    }
    return batch;
  }

  private async sendApplyBatch(
    batch: readonly { op: IpvsOp; request: IpvsRequest }[],
    outcome: ApplyOutcome,
  ): Promise<void> {
    const results = await this.main.batch(
      this.family,
      batch.map((b) => b.request),
    );
    results.forEach((result, i) => {
      const { op } = batch[i]!;
      if (result.ok) outcome.applied += 1;
      else {
        const error = new IpvsError(
          result.errno,
          op.type,
          objectOf(op),
          `Request rejected: ${result.errno}`,
        );
        outcome.failed.push({ op, error });
      }
    });
  }

  getTimeouts(): Promise<Partial<IpvsTimeouts>> {
    return this.exclusive(() => this.getTimeoutsNow());
  }

  private async getTimeoutsNow(): Promise<Partial<IpvsTimeouts>> {
    const [reply] = await this.send(this.main, encodeGetConfig(), 'get-timeouts', 'config');
    const decoded = reply ? decodeTimeouts(reply) : undefined;
    if (!decoded?.ok) throw new IpvsError('EBADMSG', 'get-timeouts', 'config', 'unreadable reply');
    return decoded.value;
  }

  setTimeouts(timeouts: Partial<IpvsTimeouts>): Promise<void> {
    return this.exclusive(() => this.setTimeoutsNow(timeouts));
  }

  private async setTimeoutsNow(timeouts: Partial<IpvsTimeouts>): Promise<void> {
    let req: IpvsRequest;
    try {
      req = encodeSetTimeouts(timeouts);
    } catch (error) {
      const message = (error as Error).message;
      throw new IpvsError('EINVAL', 'set-timeouts', 'config', message, { cause: error });
    }
    await this.send(this.main, req, 'set-timeouts', 'config');
  }

  close(): void {
    for (const connection of [this.main, ...this.listPool]) connection.close();
    this.listPool.length = 0;
  }

  private pool(): GenlConnection[] {
    while (this.listPool.length < this.options.listSockets) {
      const transport = this.options.openTransport();
      this.listPool.push(new GenlConnection(transport, this.options.requestTimeoutMs));
    }
    return this.listPool;
  }

  private async send(
    connection: GenlConnection,
    req: IpvsRequest,
    operation: IpvsOperation,
    object: string,
  ): Promise<Uint8Array[]> {
    try {
      return await connection.request(this.family, req);
    } catch (error) {
      throw toIpvsError(error, operation, object);
    }
  }
}
