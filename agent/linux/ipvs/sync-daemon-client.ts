/**
 * @module The IPVS sync daemons over generic netlink: start (IPVS_CMD_NEW_DAEMON), stop
 * (IPVS_CMD_DEL_DAEMON) and list (the IPVS_CMD_GET_DAEMON dump). Its own socket, apart from the
 * table client's: daemon commands are rare (one pair per VRRP transition) and must not queue
 * behind a long table dump. Encoding and decoding live in core/ipvs/ (encode-daemon.ts,
 * decode-daemon.ts); this file only moves bytes.
 */
import { createGenericNetlink, FlagsGet, genl, type GenericNetlinkSocket } from 'netlink';
import {
  decodeDaemon,
  encodeDelDaemon,
  encodeGetDaemons,
  encodeNewDaemon,
  IPVS_GENL_NAME,
  type IpvsRequest,
  type ObservedSyncDaemon,
  type SyncDaemonConfig,
  type SyncDaemonRole,
} from '../../core/ipvs/codec.js';
import { IpvsError, IpvsUnavailableError, toIpvsError, type IpvsOperation } from './ipvs-error.js';

/** The port the sync controller drives; the fake in test/support/fake-ipvs-client.ts too. */
export interface SyncDaemonPort {
  /** The daemons running in this network namespace (0, 1 or 2: one per role at most). */
  listDaemons(): Promise<ObservedSyncDaemon[]>;
  /** Rejects with an `IpvsError` (EEXIST when that role already runs, ENODEV …). */
  startDaemon(config: SyncDaemonConfig): Promise<void>;
  /** Rejects with an `IpvsError` (ESRCH when that role does not run). */
  stopDaemon(role: SyncDaemonRole): Promise<void>;
  close(): void;
}

export class NetlinkSyncDaemonClient implements SyncDaemonPort {
  /** One request at a time: a netlink socket runs one dump at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly socket: GenericNetlinkSocket,
    private readonly familyId: number,
    private readonly version: number,
    private readonly requestTimeoutMs: number,
  ) {}

  /** Opens a socket and resolves the `IPVS` family; `IpvsUnavailableError` without ip_vs. */
  static async open(requestTimeoutMs = 5000): Promise<NetlinkSyncDaemonClient> {
    const socket = createGenericNetlink();
    try {
      const [family] = await socket
        .ctrlRequest(
          genl.Commands.GET_FAMILY,
          { familyName: IPVS_GENL_NAME },
          { timeout: requestTimeoutMs },
        )
        .catch((error: unknown) => {
          const wrapped = toIpvsError(error, 'open', IPVS_GENL_NAME);
          throw wrapped.errno === 'ENOENT' ? new IpvsUnavailableError(wrapped.message) : wrapped;
        });
      if (family?.familyId === undefined) throw new IpvsUnavailableError('no family id');
      return new NetlinkSyncDaemonClient(
        socket,
        family.familyId,
        family.version ?? 1,
        requestTimeoutMs,
      );
    } catch (error) {
      socket.socket.close();
      throw error;
    }
  }

  async listDaemons(): Promise<ObservedSyncDaemon[]> {
    const replies = await this.send(encodeGetDaemons(), 'list-daemons', 'daemons');
    const daemons: ObservedSyncDaemon[] = [];
    for (const payload of replies) {
      const decoded = decodeDaemon(payload);
      if (!decoded.ok)
        throw new IpvsError(
          'EBADMSG',
          'list-daemons',
          'daemons',
          `${decoded.attribute}: ${decoded.error}`,
        );
      daemons.push(decoded.value);
    }
    return daemons;
  }

  async startDaemon(config: SyncDaemonConfig): Promise<void> {
    const object = `${config.role} daemon on ${config.interface}`;
    let request: IpvsRequest;
    try {
      request = encodeNewDaemon(config);
    } catch (error) {
      throw new IpvsError('EINVAL', 'start-daemon', object, (error as Error).message);
    }
    await this.send(request, 'start-daemon', object);
  }

  async stopDaemon(role: SyncDaemonRole): Promise<void> {
    await this.send(encodeDelDaemon(role), 'stop-daemon', `${role} daemon`);
  }

  close(): void {
    this.socket.socket.close();
  }

  private send(req: IpvsRequest, operation: IpvsOperation, object: string): Promise<Buffer[]> {
    const run = async () => {
      try {
        const [messages] = await this.socket.request(
          this.familyId,
          req.command,
          this.version,
          req.payload,
          { flags: req.dump ? FlagsGet.DUMP : 0, timeout: this.requestTimeoutMs },
        );
        return messages.map((m) => m.data);
      } catch (error) {
        throw toIpvsError(error, operation, object);
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
