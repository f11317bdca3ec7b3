/**
 * @module Test helper: parses `ipvsadm -Sn` output (or agent/core/ipvs/ipvsadm-text.ts
 * `renderRules`) back into the IPVS model, so a VM test can compare what ipvsadm reads from the
 * kernel with what the netlink client reads. Errors name the line. Anything the model cannot
 * say (`--pe`, GUE/GRE tunnels, `flag-N` scheduler flags, non-contiguous masks) is an error too.
 */
import { canonicalAddress } from '../../contract/ip.js';
import type {
  DesiredService,
  IpvsDestination,
  IpvsForwarding,
  IpvsSchedulerFlag,
  IpvsService,
  IpvsServiceId,
  IpvsTable,
} from '../../agent/core/ipvs/model.js';
import { serviceKey } from '../../agent/core/ipvs/model.js';

/** A line of `ipvsadm -Sn` text that could not be read. */
export class IpvsadmParseError extends Error {
  override readonly name = 'IpvsadmParseError';

  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** Options and how many values each takes. */
const ARITY: Record<string, 0 | 1> = {
  ...{ '-A': 0, '-a': 0, '-t': 1, '-u': 1, '--sctp-service': 1, '-f': 1, '-6': 0 },
  ...{ '-s': 1, '-p': 1, '-M': 1, '-o': 0, '-b': 1, '-r': 1, '-g': 0, '-m': 0, '-i': 0 },
  ...{ '-w': 1, '-x': 1, '-y': 1, '--tun-type': 1 },
};
const SERVICE_SPECS = ['-t', '-u', '--sctp-service', '-f'];
const FORWARDING: Record<string, IpvsForwarding> = { '-g': 'dr', '-m': 'nat', '-i': 'tun' };

type Options = Map<string, string>;

/**
 * `ipvsadm -Sn` text → table, services and destinations in the order they appear.
 * @throws IpvsadmParseError naming the line of the first problem.
 */
export function parseIpvsadmSave(text: string): IpvsTable<DesiredService> {
  const services = new Map<string, IpvsService & { destinations: IpvsDestination[] }>();
  text.split('\n').forEach((raw, index) => {
    const tokens = raw.trim().split(/\s+/).filter(Boolean);
    if (tokens.length === 0) return;
    try {
      parseLine(readOptions(tokens), services);
    } catch (error) {
      throw new IpvsadmParseError(
        index + 1,
        error instanceof Error ? error.message : String(error),
      );
    }
  });
  return { services: [...services.values()] };
}

function parseLine(
  options: Options,
  services: Map<string, IpvsService & { destinations: IpvsDestination[] }>,
): void {
  const id = parseServiceId(options);
  const key = serviceKey(id);
  if (options.has('-A')) {
    if (services.has(key)) throw new Error(`service ${key} defined twice`);
    services.set(key, { ...parseServiceConfig(id, options), destinations: [] });
    return;
  }
  const service = services.get(key);
  if (!service) throw new Error(`destination for ${key} before its -A line`);
  service.destinations.push(parseDestination(options));
}

/** Tokens → option map, checking names, values and the command (`-A` or `-a`). */
function readOptions(tokens: readonly string[]): Options {
  const options: Options = new Map();
  for (let i = 0; i < tokens.length; i++) {
    const name = tokens[i] ?? '';
    const arity = ARITY[name];
    if (arity === undefined) throw new Error(`unknown or unsupported option ${name}`);
    if (options.has(name)) throw new Error(`option ${name} given twice`);
    const value = arity === 1 ? tokens[++i] : '';
    if (value === undefined) throw new Error(`option ${name} needs a value`);
    options.set(name, value);
  }
  if (options.has('-A') === options.has('-a')) throw new Error('expected exactly one of -A, -a');
  if (SERVICE_SPECS.filter((s) => options.has(s)).length !== 1) {
    throw new Error('expected exactly one of -t, -u, --sctp-service, -f');
  }
  return options;
}

function parseServiceId(options: Options): IpvsServiceId {
  const fwmark = options.get('-f');
  if (fwmark !== undefined) {
    return { family: options.has('-6') ? 'ipv6' : 'ipv4', fwmark: integer(fwmark, 0xffffffff) };
  }
  if (options.has('-6')) throw new Error('-6 without -f');
  const protocol = options.has('-t') ? 'tcp' : options.has('-u') ? 'udp' : 'sctp';
  const spec = options.get('-t') ?? options.get('-u') ?? options.get('--sctp-service') ?? '';
  const { address, port } = parseAddressPort(spec);
  return { family: address.includes(':') ? 'ipv6' : 'ipv4', protocol, address, port };
}

function parseServiceConfig(id: IpvsServiceId, options: Options): IpvsService {
  for (const name of ['-r', '-w', '-x', '-y', '-g', '-m', '-i', '--tun-type']) {
    if (options.has(name)) throw new Error(`${name} on a service line`);
  }
  const scheduler = options.get('-s');
  if (scheduler === undefined) throw new Error('-A without -s');
  const timeout = options.get('-p');
  const mask = options.get('-M');
  return {
    ...id,
    scheduler,
    schedulerFlags: parseSchedulerFlags(scheduler, options.get('-b')),
    persistenceTimeoutS: timeout === undefined ? 0 : integer(timeout, 0x7fffffff),
    persistenceNetmaskBits: mask === undefined ? fullBits(id) : parseNetmask(id, mask),
    onePacket: options.has('-o'),
  };
}

function parseDestination(options: Options): IpvsDestination {
  for (const name of ['-s', '-p', '-M', '-o', '-b']) {
    if (options.has(name)) throw new Error(`${name} on a destination line`);
  }
  const server = options.get('-r');
  if (server === undefined) throw new Error('-a without -r');
  const switches = ['-g', '-m', '-i'].filter((s) => options.has(s));
  if (switches.length > 1) throw new Error(`conflicting forwarding ${switches.join(' ')}`);
  const forwarding = FORWARDING[switches[0] ?? '-g'] ?? 'dr';
  const tunnel = options.get('--tun-type');
  if (tunnel !== undefined && (forwarding !== 'tun' || tunnel !== 'ipip')) {
    throw new Error(`--tun-type ${tunnel} is not in the model (only ipip, with -i)`);
  }
  const weight = options.get('-w');
  return {
    ...parseAddressPort(server),
    forwarding,
    weight: weight === undefined ? 1 : integer(weight, 65535),
    upperThreshold: integer(options.get('-x') ?? '0', 0x7fffffff),
    lowerThreshold: integer(options.get('-y') ?? '0', 0x7fffffff),
  };
}

/** `192.0.2.1:80` or `[2001:db8::1]:80`, the address canonicalised. */
function parseAddressPort(text: string): { address: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d+)$/.exec(text);
  const raw = match?.[1] ?? match?.[2];
  const address = raw === undefined ? undefined : canonicalAddress(raw);
  if (!match || address === undefined || address.includes(':') !== (match[1] !== undefined)) {
    throw new Error(`bad address:port ${text}`);
  }
  return { address, port: integer(match[3] ?? '', 65535) };
}

/** `-b` names; `flag-N` (a scheduler without such flags) cannot be said in the model. */
function parseSchedulerFlags(scheduler: string, text: string | undefined): IpvsSchedulerFlag[] {
  if (text === undefined) return [];
  const allowed = ['sh', 'mh'].includes(scheduler)
    ? [`${scheduler}-fallback`, `${scheduler}-port`]
    : [];
  return text.split(',').map((flag) => {
    if (!allowed.includes(flag))
      throw new Error(`scheduler flag ${flag} not in the model for ${scheduler}`);
    return flag as IpvsSchedulerFlag;
  });
}

function fullBits(id: IpvsServiceId): number {
  return id.family === 'ipv6' ? 128 : 32;
}

/** IPv6: a prefix length; IPv4: a dotted mask that must be contiguous. */
function parseNetmask(id: IpvsServiceId, text: string): number {
  if (id.family === 'ipv6') return integer(text, 128);
  const bytes = /^\d{1,3}(\.\d{1,3}){3}$/.test(text) ? text.split('.').map(Number) : [];
  const value = bytes.reduce((word, byte) => word * 256 + byte, 0);
  const bits = value.toString(2).padStart(32, '0');
  if (bytes.length !== 4 || bytes.some((b) => b > 255) || !/^1*0*$/.test(bits)) {
    throw new Error(`bad or non-contiguous netmask ${text}`);
  }
  return bits.indexOf('0') === -1 ? 32 : bits.indexOf('0');
}

function integer(text: string, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) > max) throw new Error(`bad number ${text}`);
  return Number(text);
}
