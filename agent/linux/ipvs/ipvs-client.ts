/**
 * @module The IPVS port: what the agent needs from the kernel's IPVS table, whatever talks to
 * it (the generic-netlink client here; a fake in unit tests).
 */
import type { IpvsDecodeFailure, IpvsInfo, IpvsTimeouts } from '../../core/ipvs/codec.js';
import type { IpvsDestinationId, IpvsServiceId, ObservedService } from '../../core/ipvs/model.js';
import type { IpvsOp } from '../../core/ipvs/operations.js';
import type { IpvsError } from './ipvs-error.js';

/** An entry of a dump the codec could not read: a counted drop, never a crash. */
export type UnreadableEntry =
  | ({ entry: 'service' } & IpvsDecodeFailure<IpvsServiceId>)
  | ({ entry: 'destination'; service: IpvsServiceId } & IpvsDecodeFailure<IpvsDestinationId>);

export interface IpvsListing {
  /** Sorted by service key. */
  services: ObservedService[];
  unreadable: UnreadableEntry[];
}

export interface ApplyOutcome {
  applied: number;
  failed: { op: IpvsOp; error: IpvsError }[];
}

export interface IpvsClient {
  /** The kernel's IPVS version and connection table size (GET_INFO at open). */
  readonly info: IpvsInfo;
  /** `stats: false` leaves the counters at zero (faster; planning needs config only). */
  list(options?: { stats?: boolean }): Promise<IpvsListing>;
  apply(op: IpvsOp): Promise<void>;
  applyAll(ops: readonly IpvsOp[]): Promise<ApplyOutcome>;
  getTimeouts(): Promise<Partial<IpvsTimeouts>>;
  setTimeouts(timeouts: Partial<IpvsTimeouts>): Promise<void>;
  close(): void;
}
