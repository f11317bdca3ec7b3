/** @module keepalived interpreters for `virtual_server`, `real_server` and `virtual_server_group`. */
import { addressFamily } from '../ip.js';
import type { ConfigNode } from './parse-blocks.js';
import {
  address,
  argAt,
  bool,
  type Ctx,
  error,
  type Handler,
  ignored,
  int,
  lenientUnsigned,
  command,
  notifyUser,
  seconds,
  set,
  str,
  walk,
  warn,
} from './interpret-context.js';
import { interpretFileCheck } from './interpret-track-file.js';
import { CHECKER_TYPES, interpretChecker } from './interpret-checkers.js';
import type {
  RealServerConf,
  ScriptUserConf,
  VirtualServerConf,
  VirtualServerGroupConf,
  VirtualServerGroupEntry,
  VirtualServerKey,
} from './model.js';

/** check_parser.c `rs_inhibit_handler()`: an invalid value is ignored (the setting is unchanged). */
function realInhibit(n: ConfigNode, r: RealServerConf, c: Ctx): void {
  const value = n.args[0];
  if (value === undefined || /^(on|true|yes)$/.test(value)) r.inhibitOnFailure = true;
  else if (/^(off|false|no)$/.test(value)) r.inhibitOnFailure = false;
  else
    warn(
      c,
      argAt(n, 0),
      `invalid inhibit_on_failure value '${value}'; keepalived ignores the line, so does fleetlb`,
    );
}

/** check_parser.c `vs_inhibit_handler()` reads no value: the keyword alone turns it on. */
function virtualInhibit(n: ConfigNode, v: VirtualServerConf, c: Ctx): void {
  if (n.args.length > 0)
    warn(
      c,
      argAt(n, 0),
      `keepalived ignores '${n.args.join(' ')}' after inhibit_on_failure here: on`,
    );
  v.inhibitOnFailure = true;
}

/**
 * notify_up/notify_down/quorum_up/quorum_down: the command, and the `USER [GROUP]` after it
 * (core/notify.c notify_script_init()) into `users`.
 */
function checkerNotify(
  n: ConfigNode,
  c: Ctx,
  users: { up?: ScriptUserConf; down?: ScriptUserConf },
  key: 'up' | 'down',
): string[] | undefined {
  const words = command(n, c, 'notify');
  const who = notifyUser(n, c);
  if (words !== undefined && who !== undefined) users[key] = who;
  return words;
}

const REAL_SERVER: Record<string, Handler<RealServerConf>> = {
  weight: (n, r, c) => set(r, 'weight', int(n, c, 0, 65535)),
  inhibit_on_failure: realInhibit,
  notify_up: (n, r, c) => set(r, 'notifyUp', checkerNotify(n, c, (r.notifyUsers ??= {}), 'up')),
  notify_down: (n, r, c) =>
    set(r, 'notifyDown', checkerNotify(n, c, (r.notifyUsers ??= {}), 'down')),
  uthreshold: (n, r, c) => set(r, 'uthreshold', int(n, c, 0, 2 ** 31 - 1)),
  retry: (n, r, c) => set(r, 'retry', lenientUnsigned(n, c, 0, 2 ** 32 - 1)),
  delay_before_retry: (n, r, c) => set(r, 'delayBeforeRetryS', seconds(n, c)),
  delay_loop: (n, r, c) => set(r, 'delayLoopS', seconds(n, c)),
  lthreshold: (n, r, c) => set(r, 'lthreshold', int(n, c, 0, 2 ** 31 - 1)),
  FILE_CHECK: (n, r, c) => {
    const check = interpretFileCheck(n, c);
    if (check !== undefined) r.checkers.push(check);
  },
  ...Object.fromEntries(
    [...CHECKER_TYPES].map((t) => [
      t,
      (n: ConfigNode, r: RealServerConf, c: Ctx) => r.checkers.push(interpretChecker(n, c)),
    ]),
  ),
};

function realServer(n: ConfigNode, v: VirtualServerConf, c: Ctx): void {
  const addr = n.args[0];
  if (addr === undefined || addressFamily(addr) === undefined) {
    // check_data.c alloc_rs(): "Invalid real server ip address/port - skipping".
    const what =
      addr === undefined ? 'real_server needs an address' : `'${addr}' is not an IP address`;
    return void warn(c, argAt(n, 0), `${what}; the real server is skipped, as keepalived skips it`);
  }
  const r: RealServerConf = { address: addr, inhibitOnFailure: false, checkers: [], at: n.at };
  if (n.args[1] !== undefined) set(r, 'port', int(n, c, 0, 65535, 1));
  walk(n.children, REAL_SERVER, r, c, `real_server ${addr}`);
  v.realServers.push(r);
}

/**
 * check_parser.c `forwarding_handler()`: NAT, DR or TUN, case-sensitive; anything else keeps
 * the default NAT with a warning ("unknown [dr] routing method"). FNAT (a fork's full-NAT) is
 * refused: running NAT instead would send replies that never return through this director.
 */
function lbKind(n: ConfigNode, v: VirtualServerConf, c: Ctx): void {
  const kind = str(n, c);
  if (kind === 'NAT' || kind === 'DR' || kind === 'TUN') v.lbKind = kind;
  else if (kind?.toUpperCase() === 'FNAT')
    error(
      c,
      argAt(n, 0),
      `lb_kind FNAT (full NAT of a keepalived fork) cannot run here: NAT instead would break the traffic path`,
    );
  else if (kind !== undefined) {
    const hint = ['NAT', 'DR', 'TUN'].includes(kind.toUpperCase())
      ? ` (keepalived is case-sensitive: '${kind}' is not ${kind.toUpperCase()})`
      : '';
    warn(c, argAt(n, 0), `unknown lb_kind '${kind}'${hint}: NAT, as keepalived runs it`);
  }
}

function protocol(n: ConfigNode, v: VirtualServerConf, c: Ctx): void {
  const p = str(n, c)?.toUpperCase();
  if (p === 'TCP' || p === 'UDP' || p === 'SCTP') v.protocol = p;
  else if (p !== undefined) error(c, argAt(n, 0), `protocol must be TCP, UDP or SCTP`);
}

function sorryServer(n: ConfigNode, v: VirtualServerConf, c: Ctx): void {
  const addr = address(n, c);
  if (addr === undefined) return;
  v.sorryServer = { address: addr };
  if (n.args[1] !== undefined) set(v.sorryServer, 'port', int(n, c, 0, 65535, 1));
}

const VIRTUAL_SERVER: Record<string, Handler<VirtualServerConf>> = {
  delay_loop: (n, v, c) => set(v, 'delayLoopS', seconds(n, c)),
  retry: (n, v, c) => set(v, 'retry', lenientUnsigned(n, c, 0, 2 ** 32 - 1)),
  delay_before_retry: (n, v, c) => set(v, 'delayBeforeRetryS', seconds(n, c)),
  lb_algo: (n, v, c) => set(v, 'lbAlgo', str(n, c)),
  lvs_sched: (n, v, c) => set(v, 'lbAlgo', str(n, c)),
  lb_kind: lbKind,
  lvs_method: lbKind,
  protocol,
  persistence_timeout: (n, v, c) => set(v, 'persistenceTimeoutS', int(n, c, 0, 2 ** 31 - 1)),
  persistence_granularity: (n, v, c) => set(v, 'persistenceGranularity', str(n, c)),
  quorum: (n, v, c) => set(v, 'quorum', int(n, c, 0, 2 ** 31 - 1)),
  hysteresis: (n, v, c) => set(v, 'hysteresis', int(n, c, 0, 2 ** 31 - 1)),
  quorum_up: (n, v, c) => set(v, 'quorumUp', checkerNotify(n, c, (v.quorumUsers ??= {}), 'up')),
  quorum_down: (n, v, c) =>
    set(v, 'quorumDown', checkerNotify(n, c, (v.quorumUsers ??= {}), 'down')),
  sorry_server: sorryServer,
  inhibit_on_failure: virtualInhibit,
  alpha: (n, v, c) => set(v, 'alpha', bool(n, c)),
  omega: (n, v, c) => set(v, 'omega', bool(n, c)),
  virtualhost: (n, v, c) => set(v, 'virtualhost', str(n, c)),
  real_server: realServer,
  smtp_alert: ignored('(e-mail alerts) is not supported by fleetlb'),
};

function virtualServerKey(n: ConfigNode, c: Ctx): VirtualServerKey | undefined {
  const [first, second] = n.args;
  if (first === 'fwmark') {
    const fwmark = int(n, c, 1, 2 ** 32 - 1, 1);
    return fwmark === undefined ? undefined : { kind: 'fwmark', fwmark };
  }
  if (first === 'group') {
    const group = str(n, c, 1);
    return group === undefined ? undefined : { kind: 'group', group };
  }
  const addr = address(n, c);
  const port = second === undefined ? 0 : int(n, c, 0, 65535, 1);
  return addr === undefined || port === undefined
    ? undefined
    : { kind: 'address', address: addr, port };
}

export function interpretVirtualServer(n: ConfigNode, ctx: Ctx): VirtualServerConf | undefined {
  const key = virtualServerKey(n, ctx);
  if (key === undefined) return undefined;
  const v: VirtualServerConf = {
    key,
    inhibitOnFailure: false,
    alpha: false,
    omega: false,
    realServers: [],
    at: n.at,
  };
  walk(n.children, VIRTUAL_SERVER, v, ctx, `virtual_server ${n.args.join(' ')}`);
  return v;
}

/** `IP PORT`, `IP-LASTBYTE PORT` (keepalived's range form, e.g. 192.168.201.1-5) or `fwmark N`. */
function groupEntry(n: ConfigNode, c: Ctx): VirtualServerGroupEntry | undefined {
  const entry = { ...n, args: [n.keyword, ...n.args], argsAt: [n.at, ...n.argsAt] };
  if (n.keyword === 'fwmark') {
    const fwmark = int(entry, c, 1, 2 ** 32 - 1, 1);
    return fwmark === undefined ? undefined : { kind: 'fwmark', fwmark };
  }
  const port = int(entry, c, 0, 65535, 1);
  const range = /^(.*[.:])([0-9a-fA-F]+)-([0-9a-fA-F]+)$/.exec(n.keyword);
  const first = range === null ? n.keyword : `${range[1]}${range[2]}`;
  const addr = address({ ...entry, args: [first] }, c);
  if (addr === undefined || port === undefined) return undefined;
  if (range === null) return { kind: 'address', address: addr, port };
  return { kind: 'range', first: addr, last: `${range[1]}${range[3]}`, port };
}

export function interpretVirtualServerGroup(n: ConfigNode, ctx: Ctx): VirtualServerGroupConf {
  const g: VirtualServerGroupConf = { name: str(n, ctx) ?? '', entries: [], at: n.at };
  for (const child of n.children ?? []) {
    const entry = groupEntry(child, ctx);
    if (entry !== undefined) g.entries.push(entry);
  }
  return g;
}
