/**
 * @module `fleetlb_vip_owned` as the kernel says it, not as the state machine believes it: every
 * address notification from the rtnetlink watcher that names a VIP of the document in force sets
 * the VIP's gauge, and a full address dump (at each document and each watcher resync) sets them
 * all. A master whose VIP someone removed shows as master without its VIP.
 */
import { canonicalAddress } from '../../contract/ip.js';
import type { DirectorVrrpInstance } from '../../contract/vrrp-instance.js';
import type { InterfaceAddress } from '../linux/rtnetlink/types.js';

export type SetVipOwned = (instance: string, vip: string, owned: boolean) => void;

export class VipOwnership {
  /** Canonical VIP → the instances that carry it. */
  private instancesOf = new Map<string, string[]>();

  constructor(private readonly set: SetVipOwned) {}

  /** The VIPs of the document in force; true when they changed (a dump is then due). */
  follow(instances: readonly DirectorVrrpInstance[]): boolean {
    const next = new Map<string, string[]>();
    for (const instance of instances) {
      for (const vip of instance.vips) {
        const address = canonicalAddress(vip.address) ?? vip.address;
        next.set(address, [...(next.get(address) ?? []), instance.name]);
      }
    }
    const changed = JSON.stringify([...next]) !== JSON.stringify([...this.instancesOf]);
    this.instancesOf = next;
    return changed;
  }

  /** One notification: an address was added (`new`) or removed (`del`). */
  addressChanged(event: { kind: 'new' | 'del'; address: string }): void {
    const address = canonicalAddress(event.address) ?? event.address;
    for (const instance of this.instancesOf.get(address) ?? []) {
      this.set(instance, address, event.kind === 'new');
    }
  }

  /** Every VIP from a full dump of the host's addresses. */
  resync(addresses: readonly Pick<InterfaceAddress, 'address'>[]): void {
    const bound = new Set(addresses.map((a) => canonicalAddress(a.address) ?? a.address));
    for (const [address, instances] of this.instancesOf) {
      for (const instance of instances) this.set(instance, address, bound.has(address));
    }
  }
}
