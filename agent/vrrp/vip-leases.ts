/**
 * @module An instance's VIPs held as leases: added with a finite valid/preferred lifetime while
 * MASTER and refreshed at a third of it, so that if the agent and its guard both die the kernel
 * removes them by itself, about when a backup's Master_Down_Timer fires (DESIGN.md "Rules of
 * behaviour"). A refresh also repairs a VIP someone else deleted.
 */
import type { AddressKey, AddressLease, Rtnetlink } from '../linux/rtnetlink/types.js';

/** A VIP resolved to its interface. */
export interface ResolvedVip extends AddressKey {
  label?: string;
}

/** Shortest lease: the kernel counts lifetimes in whole seconds. */
const MIN_LEASE_S = 2;

/** The lease length for an instance: ⌈Master_Down_Interval⌉, at least 2 s. */
export function leaseSeconds(masterDownIntervalMs: number): number {
  return Math.max(MIN_LEASE_S, Math.ceil(masterDownIntervalMs / 1000));
}

export type VipErrorHandler = (operation: 'add' | 'remove', vip: ResolvedVip, error: Error) => void;

export class VipLeases {
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rtnetlink: Pick<Rtnetlink, 'addLease' | 'removeAddress'>,
    private readonly vips: readonly ResolvedVip[],
    private readonly leaseS: number,
    private readonly onError: VipErrorHandler,
  ) {}

  get held(): boolean {
    return this.refreshTimer !== undefined;
  }

  /** Adds (or refreshes) every VIP and keeps refreshing until `release`. */
  async acquire(): Promise<void> {
    await this.addAll();
    if (this.refreshTimer) return;
    this.refreshTimer = setInterval(() => void this.addAll(), (this.leaseS * 1000) / 3);
  }

  /** Stops refreshing and removes every VIP (absent ones are fine). */
  async release(): Promise<void> {
    clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
    await this.removeAll();
  }

  /** Removes the VIPs without having held them (start-up cleanup). */
  async removeAll(): Promise<void> {
    await Promise.all(
      this.vips.map(async (vip) => {
        try {
          await this.rtnetlink.removeAddress(vip);
        } catch (error) {
          this.onError('remove', vip, error as Error);
        }
      }),
    );
  }

  private async addAll(): Promise<void> {
    await Promise.all(
      this.vips.map(async (vip) => {
        const lease: AddressLease = {
          ...vip,
          validLifetimeS: this.leaseS,
          preferredLifetimeS: this.leaseS,
        };
        try {
          await this.rtnetlink.addLease(lease);
        } catch (error) {
          this.onError('add', vip, error as Error);
        }
      }),
    );
  }
}
