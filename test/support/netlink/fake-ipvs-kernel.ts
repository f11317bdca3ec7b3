/**
 * @module The kernel's IPVS generic-netlink family, in memory, on the fake generic netlink: it
 * parses requests as `ip_vs_genl_parse_service`/`ip_vs_genl_parse_dest` do, keeps the table as
 * the kernel keeps it (raw attribute values, not model values), dumps it back as
 * `ip_vs_genl_fill_service`/`ip_vs_genl_fill_dest` write it, and refuses what the kernel refuses
 * with the kernel's errno (net/netfilter/ipvs/ip_vs_ctl.c, `ip_vs_genl_set_cmd` and the
 * functions it calls):
 *   - EINVAL: a SERVICE nest without AF and FWMARK or PROTOCOL+ADDR+PORT, a NEW/SET without
 *     SCHED_NAME, FLAGS, TIMEOUT and NETMASK, a DEST without ADDR and PORT (or, for NEW/SET,
 *     FWD_METHOD, WEIGHT, U_THRESH, L_THRESH), an IPv6 netmask outside 1-128, a destination of
 *     the other family that is not tunnelled, a destination that is not a unicast address;
 *   - EAFNOSUPPORT: an AF that is neither AF_INET nor AF_INET6;
 *   - ESRCH: any command but NEW_SERVICE on a service that does not exist;
 *   - EEXIST: NEW_SERVICE of an existing service, NEW_DEST of an existing destination;
 *   - ENOENT: a scheduler the kernel has no module for (NEW/SET_SERVICE), SET/DEL_DEST of a
 *     missing destination;
 *   - ERANGE: a negative weight (above 2^31 as u32) or a lower threshold above the upper one;
 *   - EPERM without CAP_NET_ADMIN (`GENL_ADMIN_PERM` on every IPVS operation);
 *   - EOPNOTSUPP: a command the family has no handler for (a dump of GET_INFO, a GET_DEST that
 *     is not a dump).
 * A GET_DEST dump of a missing service is empty, not an error (`ip_vs_genl_dump_dests`).
 */
import {
  AF_INET,
  AF_INET6,
  IP_VS_CONN_F_FWD_MASK,
  IP_VS_VERSION_CODE,
  IPVS_GENL_NAME,
  IPVS_GENL_VERSION,
  IpvsCmd,
  IpvsCmdAttr,
  IpvsDestAttr,
  IpvsFwd,
  IpvsInfoAttr,
  IpvsSvcAttr,
  IpvsSvcFlag,
} from '../../../agent/core/ipvs/ip-vs-h.js';
import {
  attributeTable,
  readAttributes,
  readString,
  readU16,
  readU32,
  type NetlinkAttribute,
} from '../../../agent/core/ipvs/netlink-attributes.js';
import {
  writeAttributes,
  type AttributeWriter,
} from '../../../agent/core/ipvs/netlink-attributes-writer.js';
import type { GenlFamily } from '../../../agent/linux/netlink/netlink-frame.js';
import {
  Errno,
  type FakeGenericNetlink,
  type GenlAnswer,
  type GenlCall,
  type GenlHandler,
} from './fake-generic-netlink.js';

/** The schedulers Debian's 6.1 kernel ships as modules (ip_vs_<name>.ko; `twos` came in 6.7). */
export const DEBIAN_SCHEDULERS = [
  'dh',
  'fo',
  'lblc',
  'lblcr',
  'lc',
  'mh',
  'nq',
  'ovf',
  'rr',
  'sed',
  'sh',
  'wlc',
  'wrr',
];

interface KernelService {
  af: number;
  protocol: number;
  /** 16 bytes (`union nf_inet_addr`). */
  addr: Uint8Array;
  /** Network-order bytes as sent. */
  port: Uint8Array;
  fwmark: number;
  scheduler: string;
  flags: number;
  timeoutS: number;
  /** 4 bytes as sent: a be32 mask (IPv4) or a host-order prefix length (IPv6). */
  netmask: Uint8Array;
  destinations: Map<string, KernelDestination>;
}

interface KernelDestination {
  af: number;
  addr: Uint8Array;
  port: Uint8Array;
  fwd: number;
  weight: number;
  upperThreshold: number;
  lowerThreshold: number;
}

class Refusal extends Error {
  constructor(readonly errno: number) {
    super(`errno ${errno}`);
  }
}
const refuse = (errno: number): never => {
  throw new Refusal(errno);
};

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
/** `ip_vs_addr_equal`: IPv4 compares the first 4 bytes only. */
const addrKey = (af: number, addr: Uint8Array) => hex(af === AF_INET ? addr.subarray(0, 4) : addr);
const u32le = (bytes: Uint8Array) =>
  (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;

function nest(attributes: Map<number, NetlinkAttribute>, type: number) {
  const a = attributes.get(type);
  return a ? attributeTable(readAttributes(a.payload)) : undefined;
}

export class FakeIpvsKernel {
  readonly family: GenlFamily;
  private readonly services = new Map<string, KernelService>();
  schedulers = new Set(DEBIAN_SCHEDULERS);
  /** False: the caller lacks CAP_NET_ADMIN, every operation is EPERM. */
  privileged = true;
  timeouts = { tcp: 900, tcpFin: 120, udp: 300 };
  readonly connectionTableSize = 4096;
  private readonly extra = new Map<number, GenlHandler>();

  constructor(netlink: FakeGenericNetlink) {
    this.family = netlink.register(IPVS_GENL_NAME, IPVS_GENL_VERSION, (call) => this.handle(call));
  }

  /** Adds a command this fake does not model yet (e.g. the sync daemon's), as another handler. */
  extend(command: number, handler: GenlHandler): void {
    this.extra.set(command, handler);
  }

  /** The number of services and destinations, for assertions. */
  get size() {
    let destinations = 0;
    for (const s of this.services.values()) destinations += s.destinations.size;
    return { services: this.services.size, destinations };
  }

  private handle(call: GenlCall): GenlAnswer {
    if (!this.privileged) return { errno: Errno.EPERM };
    const extra = this.extra.get(call.command);
    if (extra) return extra(call);
    try {
      const attributes = attributeTable(readAttributes(call.attributes));
      if (call.dump) {
        if (call.command === IpvsCmd.GET_SERVICE) return { replies: this.dumpServices() };
        if (call.command === IpvsCmd.GET_DEST)
          return { replies: this.dumpDestinations(attributes) };
        return { errno: Errno.EOPNOTSUPP };
      }
      switch (call.command) {
        case IpvsCmd.GET_INFO:
          return { replies: [{ command: IpvsCmd.SET_INFO, attributes: this.info() }] };
        case IpvsCmd.GET_CONFIG:
          return { replies: [{ command: IpvsCmd.SET_CONFIG, attributes: this.config() }] };
        case IpvsCmd.GET_SERVICE: {
          const { svc } = this.parseService(attributes, false);
          return svc
            ? { replies: [{ command: IpvsCmd.NEW_SERVICE, attributes: serviceEntry(svc) }] }
            : { errno: Errno.ESRCH };
        }
        case IpvsCmd.SET_CONFIG:
          this.setConfig(attributes);
          return { replies: [] };
        case IpvsCmd.FLUSH:
          this.services.clear();
          return { replies: [] };
        case IpvsCmd.NEW_SERVICE:
        case IpvsCmd.SET_SERVICE:
        case IpvsCmd.DEL_SERVICE:
        case IpvsCmd.NEW_DEST:
        case IpvsCmd.SET_DEST:
        case IpvsCmd.DEL_DEST:
        case IpvsCmd.ZERO:
          this.setCommand(call.command, attributes);
          return { replies: [] };
        default:
          return { errno: Errno.EOPNOTSUPP };
      }
    } catch (error) {
      if (error instanceof Refusal) return { errno: error.errno };
      // A malformed attribute stream: nla_parse refuses it.
      return { errno: Errno.EINVAL };
    }
  }

  /** `ip_vs_genl_set_cmd`, in the kernel's order of checks. */
  private setCommand(command: number, attributes: Map<number, NetlinkAttribute>): void {
    const full = command === IpvsCmd.NEW_SERVICE || command === IpvsCmd.SET_SERVICE;
    const { user, key, svc } = this.parseService(attributes, full);
    if (command !== IpvsCmd.NEW_SERVICE && !svc) refuse(Errno.ESRCH);
    if (
      command === IpvsCmd.NEW_DEST ||
      command === IpvsCmd.SET_DEST ||
      command === IpvsCmd.DEL_DEST
    ) {
      const dest = parseDestination(attributes, command !== IpvsCmd.DEL_DEST, svc!.af);
      if (dest.af !== svc!.af && command !== IpvsCmd.DEL_DEST && dest.fwd !== IpvsFwd.TUNNEL) {
        refuse(Errno.EINVAL);
      }
      this.destinationCommand(command, svc!, dest);
      return;
    }
    switch (command) {
      case IpvsCmd.NEW_SERVICE:
        if (svc) refuse(Errno.EEXIST);
        this.checkServiceConfig(user);
        this.services.set(key, { ...user, destinations: new Map() });
        return;
      case IpvsCmd.SET_SERVICE:
        this.checkServiceConfig(user);
        Object.assign(svc!, { ...user, destinations: svc!.destinations });
        return;
      case IpvsCmd.DEL_SERVICE:
        this.services.delete(key);
        return;
      case IpvsCmd.ZERO:
        return;
    }
  }

  /** `ip_vs_add_service` / `ip_vs_edit_service`: the scheduler module, the IPv6 prefix length. */
  private checkServiceConfig(user: Omit<KernelService, 'destinations'>): void {
    if (user.scheduler !== 'none' && !this.schedulers.has(user.scheduler)) refuse(Errno.ENOENT);
    if (user.af === AF_INET6) {
      const plen = u32le(user.netmask);
      if (plen < 1 || plen > 128) refuse(Errno.EINVAL);
    }
  }

  /** `ip_vs_add_dest` / `ip_vs_edit_dest` / `ip_vs_del_dest`. */
  private destinationCommand(command: number, svc: KernelService, dest: KernelDestination): void {
    const key = `${addrKey(dest.af, dest.addr)}/${hex(dest.port)}`;
    const exists = svc.destinations.get(key);
    if (command === IpvsCmd.DEL_DEST) {
      if (!exists) refuse(Errno.ENOENT);
      svc.destinations.delete(key);
      return;
    }
    if (dest.weight > 0x7fff_ffff) refuse(Errno.ERANGE); // `int weight` < 0
    if (dest.lowerThreshold > dest.upperThreshold) refuse(Errno.ERANGE);
    if (command === IpvsCmd.NEW_DEST) {
      if (exists) refuse(Errno.EEXIST);
      if (!isUnicast(dest)) refuse(Errno.EINVAL); // ip_vs_new_dest: inet_addr_type / ipv6_addr_type
      svc.destinations.set(key, dest);
      return;
    }
    if (!exists) refuse(Errno.ENOENT);
    svc.destinations.set(key, dest);
  }

  /** `ip_vs_genl_parse_service`: the identity, and with `full` the configuration. */
  private parseService(attributes: Map<number, NetlinkAttribute>, full: boolean) {
    const s = nest(attributes, IpvsCmdAttr.SERVICE) ?? refuse(Errno.EINVAL);
    const af = s.get(IpvsSvcAttr.AF);
    const fwmark = s.get(IpvsSvcAttr.FWMARK);
    const protocol = s.get(IpvsSvcAttr.PROTOCOL);
    const addr = s.get(IpvsSvcAttr.ADDR);
    const port = s.get(IpvsSvcAttr.PORT);
    if (!af || !(fwmark || (port && protocol && addr))) refuse(Errno.EINVAL);
    const family = readU16(af!);
    if (family !== AF_INET && family !== AF_INET6) refuse(Errno.EAFNOSUPPORT);
    const user: Omit<KernelService, 'destinations'> = {
      af: family,
      protocol: fwmark ? 6 : readU16(protocol!),
      addr: new Uint8Array(16),
      port: new Uint8Array(2),
      fwmark: fwmark ? readU32(fwmark) : 0,
      scheduler: '',
      flags: 0,
      timeoutS: 0,
      netmask: new Uint8Array(4),
    };
    if (!fwmark) {
      user.addr.set(addr!.payload.subarray(0, 16));
      user.port.set(port!.payload.subarray(0, 2));
    }
    const key = user.fwmark
      ? `${family}/fwmark/${user.fwmark}`
      : `${family}/${user.protocol}/${addrKey(family, user.addr)}/${hex(user.port)}`;
    const svc = this.services.get(key);
    if (full) {
      const sched = s.get(IpvsSvcAttr.SCHED_NAME);
      const flags = s.get(IpvsSvcAttr.FLAGS);
      const timeout = s.get(IpvsSvcAttr.TIMEOUT);
      const netmask = s.get(IpvsSvcAttr.NETMASK);
      if (!(sched && flags && timeout && netmask)) refuse(Errno.EINVAL);
      const set = u32le(flags!.payload);
      const mask = u32le(flags!.payload.subarray(4));
      user.flags = ((svc?.flags ?? 0) & ~mask) | (set & mask);
      user.scheduler = readString(sched!);
      user.timeoutS = readU32(timeout!);
      user.netmask = netmask!.payload.slice(0, 4);
    }
    return { user, key, svc };
  }

  private dumpServices() {
    return [...this.services.values()].map((svc) => ({
      command: IpvsCmd.NEW_SERVICE,
      attributes: serviceEntry(svc),
    }));
  }

  private dumpDestinations(attributes: Map<number, NetlinkAttribute>) {
    let svc: KernelService | undefined;
    try {
      svc = this.parseService(attributes, false).svc;
    } catch {
      return [];
    }
    return [...(svc?.destinations.values() ?? [])].map((d) => ({
      command: IpvsCmd.NEW_DEST,
      attributes: destinationEntry(d),
    }));
  }

  private info(): Uint8Array {
    return writeAttributes((w) => {
      w.u32(IpvsInfoAttr.VERSION, IP_VS_VERSION_CODE);
      w.u32(IpvsInfoAttr.CONN_TAB_SIZE, this.connectionTableSize);
    });
  }

  private config(): Uint8Array {
    return writeAttributes((w) => {
      w.u32(IpvsCmdAttr.TIMEOUT_TCP, this.timeouts.tcp);
      w.u32(IpvsCmdAttr.TIMEOUT_TCP_FIN, this.timeouts.tcpFin);
      w.u32(IpvsCmdAttr.TIMEOUT_UDP, this.timeouts.udp);
    });
  }

  /** `ip_vs_set_timeout`: 0 leaves a timeout as it is; above INT_MAX / HZ is EINVAL. */
  private setConfig(attributes: Map<number, NetlinkAttribute>): void {
    const read = (type: number) => {
      const a = attributes.get(type);
      const value = a ? readU32(a) : 0;
      if (value > Math.floor(0x7fff_ffff / 1000)) refuse(Errno.EINVAL);
      return value;
    };
    const tcp = read(IpvsCmdAttr.TIMEOUT_TCP);
    const tcpFin = read(IpvsCmdAttr.TIMEOUT_TCP_FIN);
    const udp = read(IpvsCmdAttr.TIMEOUT_UDP);
    if (tcp) this.timeouts.tcp = tcp;
    if (tcpFin) this.timeouts.tcpFin = tcpFin;
    if (udp) this.timeouts.udp = udp;
  }
}

/** `ip_vs_genl_parse_dest`; the family defaults to the service's (kernels before 3.18). */
function parseDestination(
  attributes: Map<number, NetlinkAttribute>,
  full: boolean,
  serviceAf: number,
): KernelDestination {
  const d = nest(attributes, IpvsCmdAttr.DEST) ?? refuse(Errno.EINVAL);
  const addr = d.get(IpvsDestAttr.ADDR);
  const port = d.get(IpvsDestAttr.PORT);
  if (!addr || !port) refuse(Errno.EINVAL);
  const family = d.get(IpvsDestAttr.ADDR_FAMILY);
  const af = family ? readU16(family) : serviceAf;
  if (af !== AF_INET && af !== AF_INET6) refuse(Errno.EAFNOSUPPORT);
  const dest: KernelDestination = {
    af,
    addr: new Uint8Array(16),
    port: port!.payload.slice(0, 2),
    fwd: 0,
    weight: 0,
    upperThreshold: 0,
    lowerThreshold: 0,
  };
  dest.addr.set(addr!.payload.subarray(0, 16));
  if (full) {
    const fwd = d.get(IpvsDestAttr.FWD_METHOD);
    const weight = d.get(IpvsDestAttr.WEIGHT);
    const upper = d.get(IpvsDestAttr.U_THRESH);
    const lower = d.get(IpvsDestAttr.L_THRESH);
    if (!(fwd && weight && upper && lower)) refuse(Errno.EINVAL);
    dest.fwd = readU32(fwd!) & IP_VS_CONN_F_FWD_MASK;
    dest.weight = readU32(weight!);
    dest.upperThreshold = readU32(upper!);
    dest.lowerThreshold = readU32(lower!);
  }
  return dest;
}

/** RTN_UNICAST for IPv4 (not 0/8, 224/4 and above), IPV6_ADDR_UNICAST and not link-local. */
function isUnicast(dest: KernelDestination): boolean {
  const a = dest.addr;
  if (dest.af === AF_INET) return a[0] !== 0 && a[0]! < 224;
  const linkLocal = a[0] === 0xfe && (a[1]! & 0xc0) === 0x80;
  return a[0] !== 0xff && !linkLocal && a.some((b) => b !== 0);
}

function writeNest(w: AttributeWriter, type: number, body: () => void): void {
  const mark = w.beginNest(type);
  body();
  w.endNest(mark);
}

/** `ip_vs_genl_fill_service`: FWMARK or PROTOCOL+ADDR+PORT, scheduler, flags with HASHED. */
function serviceEntry(svc: KernelService): Uint8Array {
  return writeAttributes((w) =>
    writeNest(w, IpvsCmdAttr.SERVICE, () => {
      w.u16(IpvsSvcAttr.AF, svc.af);
      if (svc.fwmark) w.u32(IpvsSvcAttr.FWMARK, svc.fwmark);
      else {
        w.u16(IpvsSvcAttr.PROTOCOL, svc.protocol);
        w.bytes(IpvsSvcAttr.ADDR, svc.addr);
        w.bytes(IpvsSvcAttr.PORT, svc.port);
      }
      w.string(IpvsSvcAttr.SCHED_NAME, svc.scheduler);
      const flags = new Uint8Array(8).fill(0xff);
      new DataView(flags.buffer).setUint32(0, (svc.flags | IpvsSvcFlag.HASHED) >>> 0, true);
      w.bytes(IpvsSvcAttr.FLAGS, flags);
      w.u32(IpvsSvcAttr.TIMEOUT, svc.timeoutS);
      w.bytes(IpvsSvcAttr.NETMASK, svc.netmask);
    }),
  );
}

/** `ip_vs_genl_fill_dest`: the configuration and zero connection counters. */
function destinationEntry(d: KernelDestination): Uint8Array {
  return writeAttributes((w) =>
    writeNest(w, IpvsCmdAttr.DEST, () => {
      w.bytes(IpvsDestAttr.ADDR, d.addr);
      w.bytes(IpvsDestAttr.PORT, d.port);
      w.u32(IpvsDestAttr.FWD_METHOD, d.fwd);
      w.u32(IpvsDestAttr.WEIGHT, d.weight);
      w.u8(IpvsDestAttr.TUN_TYPE, 0);
      w.u32(IpvsDestAttr.U_THRESH, d.upperThreshold);
      w.u32(IpvsDestAttr.L_THRESH, d.lowerThreshold);
      w.u32(IpvsDestAttr.ACTIVE_CONNS, 0);
      w.u32(IpvsDestAttr.INACT_CONNS, 0);
      w.u32(IpvsDestAttr.PERSIST_CONNS, 0);
      w.u16(IpvsDestAttr.ADDR_FAMILY, d.af);
    }),
  );
}
