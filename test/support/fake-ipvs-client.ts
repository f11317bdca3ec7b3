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
import type { ApplyOutcome, IpvsClient, IpvsListing } from '../../agent/linux/ipvs/ipvs-client.js';
import { IpvsError } from '../../agent/linux/ipvs/ipvs-error.js';

export class FakeIpvsClient implements IpvsClient {
  readonly info = { versionCode: 0x010201, version: '1.2.1', connectionTableSize: 4096 };
  table: IpvsTable<DesiredService> = { services: [] };
  lists = 0;
  applied: IpvsOp[] = [];

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

  close(): void {}
}
