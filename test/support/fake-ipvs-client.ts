/**
 * @module An in-memory IPVS table behind the IpvsClient port, for unit tests of the runtime's
 * pacing and bookkeeping. It applies operations with the pure applier and refuses what the
 * kernel refuses with the kernel's errno (EEXIST, ESRCH, ENOENT for a missing destination or an
 * unknown scheduler, EINVAL for what the encoder or the kernel rejects as invalid), so the
 * shared suite (test/support/ipvs-client-contract.ts) holds for it as for the real client over
 * the fake kernel (test/support/netlink/) and in the VM.
 */
import {
  applyOps,
  IpvsApplyError,
  type ApplyFailure,
} from '../../agent/core/ipvs/apply-to-table.js';
import { encodeSetTimeouts, type IpvsTimeouts } from '../../agent/core/ipvs/codec.js';
import { addressBytes, familyOfAddress } from '../../agent/core/ipvs/ipvs-values.js';
import {
  ZERO_STATS,
  type DesiredService,
  type IpvsTable,
  type ObservedService,
} from '../../agent/core/ipvs/model.js';
import { objectOf, requestFor } from '../../agent/core/ipvs/op-request.js';
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
import { DEBIAN_SCHEDULERS } from './netlink/fake-ipvs-kernel.js';

/** The kernel's errno for each refusal of the pure applier (net/netfilter/ipvs/ip_vs_ctl.c). */
const ERRNO: Readonly<Record<ApplyFailure, string>> = {
  'service-exists': 'EEXIST',
  'service-missing': 'ESRCH',
  'destination-exists': 'EEXIST',
  'destination-missing': 'ENOENT',
};

export class FakeIpvsClient implements IpvsClient, SyncDaemonPort {
  readonly info = { versionCode: 0x010201, version: '1.2.1', connectionTableSize: 4096 };
  table: IpvsTable<DesiredService> = { services: [] };
  schedulers = new Set(DEBIAN_SCHEDULERS);
  timeouts: IpvsTimeouts = { tcpTimeoutS: 900, tcpFinTimeoutS: 120, udpTimeoutS: 300 };
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
    const refuse = (errno: string, detail: string) =>
      new IpvsError(errno, op.type, objectOf(op), detail);
    try {
      requestFor(op); // what the real client's encoder refuses, it refuses before sending
    } catch (error) {
      throw refuse('EINVAL', (error as Error).message);
    }
    try {
      const next = applyOps(this.table, [op]);
      this.checkKernelRules(op, refuse);
      this.table = next;
      this.applied.push(op);
    } catch (error) {
      if (error instanceof IpvsApplyError) throw refuse(ERRNO[error.failure], error.message);
      throw error;
    }
  }

  /** What the kernel refuses beyond existence: `ip_vs_add_service`, `ip_vs_new_dest`. */
  private checkKernelRules(op: IpvsOp, refuse: (errno: string, detail: string) => IpvsError) {
    if (op.type === 'add-service' || op.type === 'update-service') {
      if (!this.schedulers.has(op.service.scheduler)) throw refuse('ENOENT', 'no such scheduler');
    }
    if (op.type === 'add-destination') {
      const family = familyOfAddress(op.destination.address)!;
      const a = addressBytes(op.destination.address, family);
      const unicast =
        family === 'ipv4'
          ? a[0] !== 0 && a[0]! < 224
          : a[0] !== 0xff && !(a[0] === 0xfe && (a[1]! & 0xc0) === 0x80);
      if (!unicast) throw refuse('EINVAL', 'not a unicast address');
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

  async getTimeouts(): Promise<Partial<IpvsTimeouts>> {
    return { ...this.timeouts };
  }

  /** `ip_vs_set_timeout`: 0 leaves a timeout as it is. */
  async setTimeouts(timeouts: Partial<IpvsTimeouts>): Promise<void> {
    try {
      encodeSetTimeouts(timeouts);
    } catch (error) {
      throw new IpvsError('EINVAL', 'set-timeouts', 'config', (error as Error).message);
    }
    for (const [key, value] of Object.entries(timeouts) as [keyof IpvsTimeouts, number][]) {
      if (value) this.timeouts[key] = value;
    }
  }

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
