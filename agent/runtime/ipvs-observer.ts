/**
 * @module The kernel's IPVS table with its counters, read on demand and shared: a metrics scrape
 * and a status report within `maxAgeMs` of each other use one listing, and concurrent callers
 * share the dump in flight. The reconcile loop lists without counters; this is the only reader
 * that asks the kernel for them.
 */
import { performance } from 'node:perf_hooks';
import type { ObservedService } from '../core/ipvs/model.js';
import type { IpvsClient } from '../linux/ipvs/ipvs-client.js';

export class IpvsObserver {
  private last: { atMs: number; services: readonly ObservedService[] } | undefined;
  private pending: Promise<readonly ObservedService[]> | undefined;

  constructor(
    private readonly client: Pick<IpvsClient, 'list'>,
    private readonly maxAgeMs = 1000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The table with counters, at most `maxAgeMs` old. */
  services(): Promise<readonly ObservedService[]> {
    if (this.last && this.now() - this.last.atMs < this.maxAgeMs) {
      return Promise.resolve(this.last.services);
    }
    this.pending ??= this.client
      .list({ stats: true })
      .then((listing) => {
        this.last = { atMs: this.now(), services: listing.services };
        return listing.services;
      })
      .finally(() => (this.pending = undefined));
    return this.pending;
  }
}
