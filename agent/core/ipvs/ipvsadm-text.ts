/**
 * @module ipvsadm text for humans and for the VM tests: `renderOp` gives the ipvsadm command
 * equivalent to one planned op (the `--dry-run` output is an `ipvsadm-restore` script), and
 * `renderRules` prints a table exactly as `ipvsadm -Sn` (ipvsadm 1.31) would.
 *
 * What `ipvsadm -Sn` prints, from ipvsadm.c `list_all` → `print_service_entry` (FMT_RULE):
 * - no header; per service `-A <svc> -s <sched>[ -p <timeout>[ -M <mask>]][ --pe <pe>][ -o][ -b <flags>]`,
 *   `-M` only when persistent and not /32 (dotted) or /128 (prefix length);
 * - then per destination `-a <svc> -r <addr:port> <-g|-m|-i> -w <weight>`, a tunnel adding
 *   ` --tun-type ipip` (IPIP is tun_type 0, also what libipvs reports on kernels without it);
 * - thresholds (`-x`/`-y`) are not printed at all; `renderRules(t, { thresholds: true })` appends
 *   them (which `ipvsadm-restore` accepts) for a lossless round trip;
 * - services sorted by libipvs `ipvs_cmp_services` (fwmark, family, protocol, address words,
 *   port), destinations by `ipvs_cmp_dests` (address words, port). Both compare by C `int`
 *   subtraction of unsigned values, reproduced here; where that is not a total order (values
 *   2³¹ or more apart) glibc's qsort and this sort may still disagree.
 */
import { parseIpv4, parseIpv6 } from '../../../contract/ip.js';
import type { DesiredService, IpvsDestination, IpvsServiceId, IpvsTable } from './model.js';
import { addressPort, destinationOptions, serviceOptions, serviceSpec } from './ipvsadm-args.js';
import type { IpvsOp } from './operations.js';

/** What `renderRules` prints beyond `ipvsadm -Sn`. */
export interface RenderRulesOptions {
  /** Append `-x`/`-y` to destinations with thresholds (ipvsadm's save omits them). */
  thresholds?: boolean;
}

/**
 * The ipvsadm command line (without `ipvsadm`) that performs `op`; thresholds are always included
 * since `-e` resets what it is not given.
 * @example renderOp({ type: 'delete-service', service: { family: 'ipv4', fwmark: 7 } }) // '-D -f 7'
 */
export function renderOp(op: IpvsOp): string {
  const svc = serviceSpec(op.service);
  switch (op.type) {
    case 'add-service':
      return `-A ${svc} ${serviceOptions(op.service, false)}`;
    case 'update-service':
      return `-E ${svc} ${serviceOptions(op.service, false)}`;
    case 'delete-service':
      return `-D ${svc}`;
    case 'add-destination':
      return `-a ${svc} ${destinationOptions(op.destination, true)}`;
    case 'update-destination':
      return `-e ${svc} ${destinationOptions(op.destination, true)}`;
    case 'delete-destination':
      return `-d ${svc} -r ${addressPort(op.destination.address, op.destination.port)}`;
  }
}

/**
 * The table in `ipvsadm -Sn` format: one line per service then one per destination, each ending
 * in a newline; '' for an empty table.
 */
export function renderRules(
  table: IpvsTable<DesiredService>,
  options: RenderRulesOptions = {},
): string {
  const thresholds = options.thresholds ?? false;
  const lines: string[] = [];
  for (const service of [...table.services].sort(compareServicesLikeIpvsadm)) {
    const svc = serviceSpec(service);
    lines.push(`-A ${svc} ${serviceOptions(service, true)}`);
    for (const d of [...service.destinations].sort(compareDestinationsLikeIpvsadm)) {
      const tunnel = d.forwarding === 'tun' ? ' --tun-type ipip' : '';
      lines.push(
        `-a ${svc} ${destinationOptions(d, false)}${tunnel}${thresholdText(d, thresholds)}`,
      );
    }
  }
  return lines.map((line) => `${line}\n`).join('');
}

function thresholdText(d: IpvsDestination, thresholds: boolean): string {
  if (!thresholds) return '';
  const upper = d.upperThreshold > 0 ? ` -x ${d.upperThreshold}` : '';
  return d.lowerThreshold > 0 ? `${upper} -y ${d.lowerThreshold}` : upper;
}

/** `AF_INET`, `AF_INET6` on Linux. */
const AF = { ipv4: 2, ipv6: 10 } as const;
/** `IPPROTO_*`; ipvsadm gives fwmark services TCP. */
const PROTOCOL = { tcp: 6, udp: 17, sctp: 132 } as const;

/** C `int r = a - b` for unsigned 32-bit `a`, `b`: the difference wrapped to a signed int. */
function cDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** An address as four host-order 32-bit words, IPv4 in the first (`union nf_inet_addr`). */
function addressWords(address: string): number[] {
  const v4 = parseIpv4(address);
  if (v4) return [v4.reduce((word, byte) => word * 256 + byte, 0), 0, 0, 0];
  const v6 = parseIpv6(address) ?? [];
  return [0, 2, 4, 6].map((i) => (v6[i] ?? 0) * 0x10000 + (v6[i + 1] ?? 0));
}

/** libipvs `ipvs_cmp_services`. */
export function compareServicesLikeIpvsadm(a: IpvsServiceId, b: IpvsServiceId): number {
  const fwmark = (s: IpvsServiceId) => ('fwmark' in s ? s.fwmark : 0);
  const protocol = (s: IpvsServiceId) => ('fwmark' in s ? PROTOCOL.tcp : PROTOCOL[s.protocol]);
  const port = (s: IpvsServiceId) => ('fwmark' in s ? 0 : s.port);
  const address = (s: IpvsServiceId) => ('fwmark' in s ? '0.0.0.0' : s.address);
  return (
    cDiff(fwmark(a), fwmark(b)) ||
    AF[a.family] - AF[b.family] ||
    protocol(a) - protocol(b) ||
    compareAddressWords(a.family === 'ipv6', address(a), address(b)) ||
    port(a) - port(b)
  );
}

/** libipvs `ipvs_cmp_dests`: the first destination's family decides how many words count. */
export function compareDestinationsLikeIpvsadm(a: IpvsDestination, b: IpvsDestination): number {
  return compareAddressWords(a.address.includes(':'), a.address, b.address) || a.port - b.port;
}

function compareAddressWords(ipv6: boolean, a: string, b: string): number {
  const left = addressWords(a);
  const right = addressWords(b);
  for (let i = 0; i < (ipv6 ? 4 : 1); i++) {
    const r = cDiff(left[i] ?? 0, right[i] ?? 0);
    if (r !== 0) return r;
  }
  return 0;
}
