/** @module The IPVS benchmark's synthetic table: N IPv4 TCP wlc services × M NAT destinations, every service and every destination distinct (no traffic is sent to any of them). */
import type {
  DesiredService,
  IpvsDestination,
  IpvsServiceId,
  IpvsTable,
} from '../../agent/core/ipvs/model.js';

/** The documentation networks (RFC 5737) the virtual addresses come from, .1 to .254 each. */
const NETS = ['192.0.2', '198.51.100', '203.0.113'] as const;
const HOSTS = 254;
const ADDRESSES = NETS.length * HOSTS;
/** Twelve virtual ports; 763 ≡ 7 (mod 12) and gcd(7, 12) = 1 keeps (address, port) unique. */
const PORTS = [80, 443, 8080, 8443, 25, 53, 110, 143, 3306, 5432, 6379, 9000] as const;

export const MAX_SERVICES = ADDRESSES * PORTS.length;
/** Real servers are 10.a.b.c with c in 1-250 and b in 0-249: 62,500 per a. */
export const MAX_DESTINATIONS_TOTAL = 62_500 * 200;

/** Service `i` (0-based): addresses cycle through the three nets first, ports vary with `i`. */
export function serviceIdAt(i: number): IpvsServiceId & { address: string; port: number } {
  const a = i % ADDRESSES;
  const round = Math.floor(i / ADDRESSES);
  const host = 1 + Math.floor(a / NETS.length);
  return {
    family: 'ipv4',
    protocol: 'tcp',
    address: `${NETS[a % NETS.length]!}.${host}`,
    port: PORTS[(a + round * 763) % PORTS.length]!,
  };
}

/** The `g`-th destination of the whole table (0-based): 10.a.b.c:8080, weight 1-10, NAT. */
export function destinationAt(g: number): IpvsDestination {
  const c = 1 + (g % 250);
  const b = Math.floor(g / 250) % 250;
  const a = Math.floor(g / 62_500);
  return {
    address: `10.${a}.${b}.${c}`,
    port: 8080,
    forwarding: 'nat',
    weight: 1 + (g % 10),
    upperThreshold: 0,
    lowerThreshold: 0,
  };
}

/** `services` × `destinations` (per service), all distinct; throws a RangeError past the limits. */
export function buildTable(services: number, destinations: number): IpvsTable<DesiredService> {
  if (!Number.isInteger(services) || services < 1 || services > MAX_SERVICES) {
    throw new RangeError(`services: an integer from 1 to ${MAX_SERVICES}, got ${services}`);
  }
  const total = services * destinations;
  if (!Number.isInteger(destinations) || destinations < 0 || total > MAX_DESTINATIONS_TOTAL) {
    throw new RangeError(`destinations: 0 or more, at most ${MAX_DESTINATIONS_TOTAL} in all`);
  }
  const table: DesiredService[] = [];
  for (let i = 0; i < services; i++) {
    table.push({
      ...serviceIdAt(i),
      scheduler: 'wlc',
      schedulerFlags: [],
      persistenceTimeoutS: 0,
      persistenceNetmaskBits: 32,
      onePacket: false,
      destinations: Array.from({ length: destinations }, (_, j) =>
        destinationAt(i * destinations + j),
      ),
    });
  }
  return { services: table };
}
