/**
 * @module An instance's VIPs held as leases: added with a finite valid/preferred lifetime while
 * MASTER and refreshed at a third of it, so that if the agent and its guard both die the kernel
 * removes them by itself, about when a backup's Master_Down_Timer fires (DESIGN.md "Rules of
 * behaviour"). A refresh also repairs a VIP someone else deleted.
 */
import type { AddressKey, AddressLease, Rtnetlink } from '../linux/rtnetlink/types.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';

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

/**
 * The kernel's identity of an address: interface, address and (IPv4 only) prefix length. IPv4
 * holds one address under several prefix lengths (net/ipv4/devinet.c `find_matching_ifa`); IPv6
 * holds an address once per interface (net/ipv6/addrconf.c `ipv6_add_addr`).
 */
const addressKey = (v: ResolvedVip): string =>
  v.address.includes(':')
    ? `${v.interfaceIndex}/${v.address}`
    : `${v.interfaceIndex}/${v.address}/${v.prefixLength}`;
/** What a VIP is configured as: its kernel identity and its label. */
const vipKey = (v: ResolvedVip): string => `${addressKey(v)}/${v.label ?? ''}`;

export class VipLeases {
  private refreshTimer: TimerHandle | undefined;

  constructor(
    private readonly rtnetlink: Pick<Rtnetlink, 'addLease' | 'removeAddress'>,
    private vips: readonly ResolvedVip[],
    private leaseS: number,
    private readonly onError: VipErrorHandler,
    private readonly clock: Clock = systemClock,
  ) {}

  get held(): boolean {
    return this.refreshTimer !== undefined;
  }

  /** Adds (or refreshes) every VIP and keeps refreshing until `release`. */
  async acquire(): Promise<void> {
    await this.addAll();
    if (this.refreshTimer) return;
    this.refreshTimer = this.refresh();
  }

  /** Stops refreshing and removes every VIP (absent ones are fine). */
  async release(): Promise<void> {
    this.refreshTimer?.cancel();
    this.refreshTimer = undefined;
    await this.removeAll();
  }

  /** Removes the VIPs without having held them (start-up cleanup). */
  async removeAll(): Promise<void> {
    await this.remove(this.vips);
  }

  /**
   * Takes a new VIP list (an in-place edit). While held, only the difference is touched, in an
   * order that never leaves an address that stays configured without an owner: new addresses
   * (or new IPv4 prefix lengths and interfaces) are added before the old ones go. A change the
   * kernel cannot make in place is the exception: an IPv4 label (`inet_rtm_newaddr` with
   * NLM_F_REPLACE only refreshes lifetimes and metric) or an IPv6 prefix length; that address is
   * removed and added back at once.
   * Returns the addresses that are new on the wire, for gratuitous ARP / unsolicited NA.
   */
  async update(vips: readonly ResolvedVip[], leaseS: number): Promise<ResolvedVip[]> {
    const before = new Set(this.vips.map(vipKey));
    const after = new Set(vips.map(vipKey));
    const added = vips.filter((v) => !before.has(vipKey(v)));
    const removed = this.vips.filter((v) => !after.has(vipKey(v)));
    const addedAddresses = new Set(added.map(addressKey));
    const replaced = removed.filter((v) => addedAddresses.has(addressKey(v)));
    const announced = new Set(this.vips.map((v) => v.address));
    const leaseChanged = leaseS !== this.leaseS;
    this.vips = vips;
    this.leaseS = leaseS;
    if (!this.held) return [];
    await this.remove(replaced);
    await this.add(leaseChanged ? vips : added);
    await this.remove(removed.filter((v) => !replaced.includes(v)));
    if (leaseChanged) {
      this.refreshTimer?.cancel();
      this.refreshTimer = this.refresh();
    }
    return added.filter((v) => !announced.has(v.address));
  }

  /** Re-adds every VIP at a third of the lease, so it never expires while held. */
  private refresh(): TimerHandle {
    return this.clock.every((this.leaseS * 1000) / 3, () => void this.addAll());
  }

  private async remove(vips: readonly ResolvedVip[]): Promise<void> {
    await Promise.all(
      vips.map(async (vip) => {
        try {
          await this.rtnetlink.removeAddress(vip);
        } catch (error) {
          this.onError('remove', vip, error as Error);
        }
      }),
    );
  }

  private async addAll(): Promise<void> {
    await this.add(this.vips);
  }

  private async add(vips: readonly ResolvedVip[]): Promise<void> {
    await Promise.all(
      vips.map(async (vip) => {
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
