/**
 * @module A simulated host kernel for in-process VRRP scenarios: the engine's rtnetlink port
 * (agent/linux/rtnetlink/types.ts) over an in-memory address table, with address lifetimes that
 * expire by themselves (as the kernel's do, so a killed agent's VIPs go), and every add and
 * delete recorded on a shared log with the simulated time (test/support/ownership.ts).
 */
import type {
  AddressFilter,
  AddressKey,
  AddressLease,
  InterfaceAddress,
  Link,
  Rtnetlink,
} from '../../../agent/linux/rtnetlink/types.js';
import type { TimerHandle } from '../../../agent/vrrp/clock.js';
import type { AddressEvent } from '../ownership.js';
import type { SimTime } from './sim-time.js';

const keyOf = (a: AddressKey) => `${a.interfaceIndex}/${a.address}/${a.prefixLength}`;

export class SimKernel implements Rtnetlink {
  readonly links: Link[] = [{ index: 2, name: 'eth0', up: true, flags: 0 }];
  private readonly addresses = new Map<string, InterfaceAddress>();
  private readonly expiry = new Map<string, TimerHandle>();

  constructor(
    readonly host: string,
    primary: string,
    private readonly time: SimTime,
    private readonly log: AddressEvent[],
  ) {
    const family = primary.includes(':') ? 'ipv6' : 'ipv4';
    this.addresses.set(`2/${primary}/24`, {
      interfaceIndex: 2,
      address: primary,
      prefixLength: 24,
      family,
      scope: 0,
      flags: 0,
    });
  }

  holds(address: string): boolean {
    return [...this.addresses.values()].some((a) => a.address === address);
  }

  addLease(lease: AddressLease): Promise<void> {
    const key = keyOf(lease);
    const family = lease.address.includes(':') ? 'ipv6' : 'ipv4';
    this.addresses.set(key, {
      interfaceIndex: lease.interfaceIndex,
      address: lease.address,
      prefixLength: lease.prefixLength,
      ...(lease.label === undefined ? {} : { label: lease.label }),
      family,
      validLifetimeS: lease.validLifetimeS,
      scope: 0,
      flags: 0,
    });
    this.record(lease, true);
    this.expiry.get(key)?.cancel();
    const kernel = this.time.clock(`${this.host}/kernel`);
    this.expiry.set(
      key,
      kernel.after(lease.validLifetimeS * 1000, () => void this.removeAddress(lease)),
    );
    return Promise.resolve();
  }

  removeAddress(a: AddressKey): Promise<boolean> {
    const key = keyOf(a);
    this.expiry.get(key)?.cancel();
    this.expiry.delete(key);
    if (!this.addresses.delete(key)) return Promise.resolve(false);
    this.record(a, false);
    return Promise.resolve(true);
  }

  listAddresses(filter: AddressFilter = {}): Promise<InterfaceAddress[]> {
    return Promise.resolve(
      [...this.addresses.values()].filter(
        (a) =>
          (filter.family === undefined || a.family === filter.family) &&
          (filter.interfaceIndex === undefined || a.interfaceIndex === filter.interfaceIndex),
      ),
    );
  }

  listLinks(): Promise<Link[]> {
    return Promise.resolve(this.links.map((l) => ({ ...l })));
  }

  close(): void {}

  private record(a: AddressKey, present: boolean): void {
    this.log.push({
      atMs: this.time.now,
      host: this.host,
      key: `${a.address}/${a.prefixLength}`,
      address: a.address,
      present,
    });
  }
}
