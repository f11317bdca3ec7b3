/**
 * @module An in-memory IPVS table behind the IpvsClient port, for unit tests of the runtime's
 * pacing and bookkeeping (the real client is tested in the VM tier). It applies operations
 * with the pure applier, so an impossible operation fails as the kernel would refuse it.
 */
import { applyOps, IpvsApplyError } from '../../agent/core/ipvs/apply-to-table.js';
import {
  ZERO_STATS,
  type DesiredService,
  type IpvsTable,
  type ObservedService,
} from '../../agent/core/ipvs/model.js';
import type { IpvsOp } from '../../agent/core/ipvs/operations.js';
import { encodeNewDaemon } from '../../agent/core/ipvs/encode-daemon.js';
import type {
  ObservedSyncDaemon,
  SyncDaemonConfig,
  SyncDaemonRole,
} from '../../agent/core/ipvs/daemon-model.js';
import { IP_VS_SYNC_DEFAULTS } from '../../agent/core/ipvs/ip-vs-h.js';
import type { SyncDaemonPort } from '../../agent/linux/ipvs/sync-daemon-client.js';
import type { ApplyOutcome, IpvsClient, IpvsListing } from '../../agent/linux/ipvs/ipvs-client.js';
import { IpvsError } from '../../agent/linux/ipvs/ipvs-error.js';

export class FakeIpvsClient implements IpvsClient, SyncDaemonPort {
  readonly info = { versionCode: 0x010201, version: '1.2.1', connectionTableSize: 4096 };
  table: IpvsTable<DesiredService> = { services: [] };
  lists = 0;
  applied: IpvsOp[] = [];
  /** The sync daemons running, by role (ip_vs_sync.c keeps one master and one backup at most). */
  daemons = new Map<SyncDaemonRole, ObservedSyncDaemon>();
  /** Every daemon command, in order: `start master`, `stop backup` … */
  daemonCalls: string[] = [];
  /** Interfaces that exist (start answers ENODEV for others); undefined: every name exists. */
  interfaces: Set<string> | undefined;

  async list(): Promise<IpvsListing> {
    this.lists += 1;
    const services: ObservedService[] = this.table.services.map((s) => ({
      ...s,
      stats: ZERO_STATS,
      destinations: s.destinations.map((d) => ({
        ...d,
        ...{ activeConnections: 0, inactiveConnections: 0, persistentConnections: 0 },
        stats: ZERO_STATS,
      })),
    }));
    return { services, unreadable: [] };
  }

  async apply(op: IpvsOp): Promise<void> {
    try {
      this.table = applyOps(this.table, [op]);
      this.applied.push(op);
    } catch (error) {
      if (error instanceof IpvsApplyError)
        throw new IpvsError('EEXIST', op.type, '', error.message);
      throw error;
    }
  }

  async applyAll(ops: readonly IpvsOp[]): Promise<ApplyOutcome> {
    const outcome: ApplyOutcome = { applied: 0, failed: [] };
    for (const op of ops) {
      try {
        await this.apply(op);
        outcome.applied += 1;
      } catch (error) {
        outcome.failed.push({ op, error: error as IpvsError });
      }
    }
    return outcome;
  }

  async getTimeouts() {
    return {};
  }

  async setTimeouts(): Promise<void> {}

  async listDaemons(): Promise<ObservedSyncDaemon[]> {
    return [...this.daemons.values()].map((d) => ({ ...d }));
  }

  /** As `start_sync_thread`: ENODEV, then EEXIST for a role that runs; defaults filled in. */
  async startDaemon(config: SyncDaemonConfig): Promise<void> {
    this.daemonCalls.push(`start ${config.role}`);
    const object = `${config.role} daemon on ${config.interface}`;
    try {
      encodeNewDaemon(config);
    } catch (error) {
      throw new IpvsError('EINVAL', 'start-daemon', object, (error as Error).message);
    }
    if (this.interfaces && !this.interfaces.has(config.interface))
      throw new IpvsError('ENODEV', 'start-daemon', object, 'Unknown mcast interface');
    if (this.daemons.has(config.role))
      throw new IpvsError('EEXIST', 'start-daemon', object, 'already running');
    const group = config.group ?? IP_VS_SYNC_DEFAULTS.group;
    const headers = group.includes(':') ? 48 : 28;
    this.daemons.set(config.role, {
      role: config.role,
      interface: config.interface,
      syncId: config.syncId,
      maxLengthBytes: config.maxLengthBytes ?? 1500 - headers,
      group,
      port: config.port ?? IP_VS_SYNC_DEFAULTS.port,
      ttl: config.ttl ?? IP_VS_SYNC_DEFAULTS.ttl,
    });
  }

  /** As `stop_sync_thread`: ESRCH when that role does not run. */
  async stopDaemon(role: SyncDaemonRole): Promise<void> {
    this.daemonCalls.push(`stop ${role}`);
    if (!this.daemons.delete(role))
      throw new IpvsError('ESRCH', 'stop-daemon', `${role} daemon`, 'not running');
  }

  close(): void {}
}
