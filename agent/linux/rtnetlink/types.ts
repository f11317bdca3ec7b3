/**
 * @module The shapes the agent's rtnetlink adapter speaks: address leases, interface addresses
 * and links, with addresses in canonical text (contract/ip.ts) and lifetimes in seconds.
 */

export type AddressFamily = 'ipv4' | 'ipv6';

/** A VIP held for a finite time: the kernel removes it by itself when `validLifetimeS` runs out. */
export interface AddressLease {
  interfaceIndex: number;
  address: string;
  prefixLength: number;
  /** IPv4 only (`eth0:vip`); the kernel keeps no labels on IPv6 addresses, so it is not sent. */
  label?: string;
  /** Seconds until the kernel deletes the address (1 … 2^32-2). */
  validLifetimeS: number;
  /** Seconds until the address is deprecated (0 … validLifetimeS); 0 adds it deprecated. */
  preferredLifetimeS: number;
}

/** The key of an address on an interface. */
export interface AddressKey {
  interfaceIndex: number;
  address: string;
  prefixLength: number;
}

export interface InterfaceAddress {
  interfaceIndex: number;
  address: string;
  prefixLength: number;
  label?: string;
  family: AddressFamily;
  /** Seconds left; undefined = permanent (forever). */
  validLifetimeS?: number;
  /** Seconds left; undefined = forever. */
  preferredLifetimeS?: number;
  /** RT_SCOPE_* (0 universe/global, 253 link, 254 host). */
  scope: number;
  /** IFA_F_* bits (the 32-bit IFA_FLAGS attribute when present). */
  flags: number;
}

export interface Link {
  index: number;
  name: string;
  /**
   * Administratively up (IFF_UP) and operationally running (IFF_RUNNING, which the kernel sets
   * when the RFC 2863 operstate is UP or UNKNOWN, i.e. carrier present). A link that is set up
   * but has no carrier (veth peer down, cable out) is not up.
   */
  up: boolean;
  /** Link-layer address as lower-case colon hex (`02:00:00:00:00:01`), when the link has one. */
  mac?: string;
  /** IFF_* bits. */
  flags: number;
}

export interface AddressFilter {
  interfaceIndex?: number;
  family?: AddressFamily;
}

export interface Rtnetlink {
  /** Create or refresh (NLM_F_CREATE|NLM_F_REPLACE) the address with finite lifetimes. IPv6 with IFA_F_NODAD. */
  addLease(lease: AddressLease): Promise<void>;
  /** Remove; resolves false when it was not there (EADDRNOTAVAIL), true when removed. */
  removeAddress(a: AddressKey): Promise<boolean>;
  listAddresses(filter?: AddressFilter): Promise<InterfaceAddress[]>;
  listLinks(): Promise<Link[]>;
  close(): void;
}
