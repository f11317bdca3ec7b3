/** @module keepalived interpreter for `vrrp_instance` blocks. */
import { maxPrefixLength, addressFamily } from '../ip.js';
import type { ConfigNode } from './parse-blocks.js';
import {
  argAt,
  bool,
  type Ctx,
  type Handler,
  ignored,
  int,
  seconds,
  set,
  str,
  walk,
  warn,
} from './interpret-context.js';
import { trackFileRefs } from './interpret-track-file.js';
import { notifyHandlers } from './interpret-global.js';
import type { VirtualAddress, VrrpInstanceConf, WeightedTrack } from './model.js';

const ADDRESS_OPTIONS: Record<string, keyof VirtualAddress> = {
  dev: 'dev',
  label: 'label',
  brd: 'broadcast',
  broadcast: 'broadcast',
  scope: 'scope',
};

/**
 * One `virtual_ipaddress` entry: `ADDR[/PLEN] [dev X] [label Y] [brd Z] [scope W]`. An entry that
 * is not an address (often a comment written without `#`) is skipped with a warning, as
 * keepalived skips it ("VRRP parsed invalid IP … skipping IP").
 */
export function virtualAddress(node: ConfigNode, ctx: Ctx): VirtualAddress | undefined {
  const [addr = '', plen] = node.keyword.split('/');
  const family = addressFamily(addr);
  const line = [node.keyword, ...node.args].join(' ');
  if (family === undefined)
    return void warn(ctx, node.at, `'${line}' is not an address; skipped, as keepalived skips it`);
  const vip: VirtualAddress = { address: addr, at: node.at };
  if (plen !== undefined) {
    const n = /^\d+$/.test(plen) ? Number(plen) : NaN;
    if (!(n <= maxPrefixLength(family)))
      return void warn(
        ctx,
        node.at,
        `'${plen}' is not a prefix length for ${family}; '${line}' skipped, as keepalived skips it`,
      );
    vip.prefixLength = n;
  }
  for (let i = 0; i < node.args.length; i += 2) {
    const option = node.args[i] ?? '';
    const field = Object.hasOwn(ADDRESS_OPTIONS, option) ? ADDRESS_OPTIONS[option] : undefined;
    const value = node.args[i + 1];
    if (field === undefined || value === undefined) {
      warn(ctx, argAt(node, i), `virtual address option '${option}' is not supported; ignored`);
      continue;
    }
    (vip as unknown as Record<string, string>)[field] = value;
  }
  return vip;
}

function addresses(node: ConfigNode, ctx: Ctx): VirtualAddress[] {
  const out: VirtualAddress[] = [];
  for (const child of node.children ?? []) {
    const vip = virtualAddress(child, ctx);
    if (vip !== undefined) out.push(vip);
  }
  return out;
}

/** track_interface / track_script entries: `NAME [weight W]`. */
function tracks(node: ConfigNode, ctx: Ctx): WeightedTrack[] {
  return (node.children ?? []).flatMap((child) => {
    const track: WeightedTrack = { name: child.keyword };
    if (child.args[0] === 'weight') set(track, 'weight', int(child, ctx, -254, 254, 1));
    else if (child.args.length > 0) warn(ctx, child.at, `unexpected '${child.args.join(' ')}'`);
    if (child.args[2] === 'reverse') {
      const why = `'${child.keyword} … reverse' has no fleetlb equivalent; dropped (running it unreversed would move the priority the wrong way)`;
      warn(ctx, argAt(child, 2), why);
      return [];
    }
    return [track];
  });
}

/** vrrp_parser.c `vrrp_state_handler()`: an unknown state is BACKUP, with a warning. */
function state(n: ConfigNode, v: VrrpInstanceConf, c: Ctx): void {
  const text = str(n, c);
  if (text === 'MASTER' || text === 'BACKUP') v.state = text;
  else if (text !== undefined) {
    warn(c, argAt(n, 0), `unknown state '${text}': BACKUP, as keepalived defaults it`);
    v.state = 'BACKUP';
  }
}

/** vrrp_parser.c `vrrp_prio_handler()`: anything but a whole 1-255 is the default 100. */
function priority(n: ConfigNode, v: VrrpInstanceConf, c: Ctx): void {
  const text = str(n, c);
  if (text === undefined) return;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (value >= 1 && value <= 255) v.priority = value;
  else {
    warn(c, argAt(n, 0), `priority '${text}' is not 1-255: 100, keepalived's default`);
    v.priority = 100;
  }
}

/** A password as keepalived keeps it: at most 8 bytes (vrrp_parser.c `vrrp_auth_pass_handler()`). */
function authPass(n: ConfigNode, c: Ctx): string | undefined {
  const text = str(n, c);
  if (text === undefined) return undefined;
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= 8) return text;
  const kept = new TextDecoder().decode(bytes.slice(0, 8)).replace(/\uFFFD$/, '');
  warn(
    c,
    argAt(n, 0),
    `auth_pass is ${bytes.length} bytes: keepalived truncates it to 8 and its peers send '${kept}', so fleetlb uses '${kept}'`,
  );
  return kept;
}

/** vrrp_parser.c `vrrp_auth_type_handler()`: an unknown type is ignored (no authentication). */
function authentication(n: ConfigNode, v: VrrpInstanceConf, c: Ctx): void {
  const auth: NonNullable<VrrpInstanceConf['authentication']> = { type: 'NONE' };
  for (const child of n.children ?? []) {
    if (child.keyword === 'auth_pass') set(auth, 'password', authPass(child, c));
    else if (child.keyword !== 'auth_type') warn(c, child.at, `unknown '${child.keyword}'`);
    else if (child.args[0] === 'PASS' || child.args[0] === 'AH') auth.type = child.args[0];
    else
      warn(
        c,
        argAt(child, 0),
        `unknown auth_type '${child.args[0] ?? ''}' (PASS or AH): keepalived ignores it and sends adverts without authentication, so does fleetlb`,
      );
  }
  v.authentication = auth;
}

function advertInt(n: ConfigNode, v: VrrpInstanceConf, c: Ctx): void {
  const s = seconds(n, c);
  if (s === undefined) return;
  if (s > 0 && s <= 255) v.advertIntervalCs = Math.round(s * 100);
  // vrrp_parser.c vrrp_adv_handler(): "Advert interval … not valid! … - ignoring".
  else
    warn(
      c,
      argAt(n, 0),
      `advert_int must be between 0.01 and 255 seconds; keepalived ignores it (1 s), so does fleetlb`,
    );
}

/**
 * A unicast address as lib/utils.c `inet_stosockaddr()` reads it: a `/mask` or `-range` suffix is
 * dropped; a word that is not an address is skipped (vrrp_parser.c "Skipping…").
 */
function unicastAddress(text: string, at: ConfigNode['at'], c: Ctx): string | undefined {
  const bare = text.replace(/[-/].*$/, '');
  if (addressFamily(bare) === undefined)
    return void warn(c, at, `'${text}' is not an IP address; skipped, as keepalived skips it`);
  if (bare !== text)
    warn(c, at, `'${text}': keepalived ignores the '${text.slice(bare.length)}'; ${bare} used`);
  return bare;
}

function peers(n: ConfigNode, v: VrrpInstanceConf, c: Ctx): void {
  for (const child of n.children ?? []) {
    const addr = unicastAddress(child.keyword, child.at, c);
    if (addr !== undefined) v.unicastPeers.push(addr);
  }
}

function unicastSource(n: ConfigNode, v: VrrpInstanceConf, c: Ctx): void {
  const text = str(n, c);
  if (text !== undefined) set(v, 'unicastSrcIp', unicastAddress(text, argAt(n, 0), c));
}

const unsupported = ignored<VrrpInstanceConf>('is not supported by fleetlb');

const INSTANCE: Record<string, Handler<VrrpInstanceConf>> = {
  state,
  interface: (n, v, c) => set(v, 'interface', str(n, c)),
  virtual_router_id: (n, v, c) => set(v, 'virtualRouterId', int(n, c, 1, 255)),
  priority,
  advert_int: advertInt,
  version: (n, v, c) => set(v, 'version', int(n, c, 2, 3) as 2 | 3 | undefined),
  nopreempt: (_n, v) => (v.nopreempt = true),
  preempt: (_n, v) => (v.nopreempt = false),
  preempt_delay: (n, v, c) => set(v, 'preemptDelayS', seconds(n, c)),
  authentication,
  virtual_ipaddress: (n, v, c) => v.virtualIpaddress.push(...addresses(n, c)),
  virtual_ipaddress_excluded: (n, v, c) => v.virtualIpaddressExcluded.push(...addresses(n, c)),
  unicast_src_ip: unicastSource,
  unicast_peer: peers,
  track_interface: (n, v, c) => v.trackInterfaces.push(...tracks(n, c)),
  track_script: (n, v, c) => v.trackScripts.push(...tracks(n, c)),
  track_file: (n, v, c) => v.trackFiles.push(...trackFileRefs(n, c)),
  ...notifyHandlers<VrrpInstanceConf>(),
  garp_master_delay: (n, v, c) => set(v, 'garpMasterDelayS', seconds(n, c)),
  garp_master_repeat: (n, v, c) => set(v, 'garpMasterRepeat', int(n, c, 1, 65535)),
  garp_master_refresh: (n, v, c) => set(v, 'garpMasterRefreshS', seconds(n, c)),
  accept: (n, v, c) => set(v, 'accept', bool(n, c)),
  no_accept: (_n, v) => (v.accept = false),
  use_vmac: (_n, v) => (v.useVmac = true),
  smtp_alert: ignored('(e-mail alerts) is not supported by fleetlb'),
  lvs_sync_daemon_interface: unsupported,
  virtual_routes: unsupported,
  virtual_rules: unsupported,
  dont_track_primary: unsupported,
  mcast_src_ip: unicastSource,
};

export function interpretVrrpInstance(
  node: ConfigNode,
  ctx: Ctx,
  globalVersion: 2 | 3 | undefined,
): VrrpInstanceConf {
  const v: VrrpInstanceConf = {
    name: str(node, ctx) ?? '',
    version: globalVersion ?? 2,
    nopreempt: false,
    virtualIpaddress: [],
    virtualIpaddressExcluded: [],
    unicastPeers: [],
    trackInterfaces: [],
    trackScripts: [],
    trackFiles: [],
    notify: {},
    notifyUsers: {},
    useVmac: false,
    at: node.at,
  };
  walk(node.children, INSTANCE, v, ctx, `vrrp_instance ${v.name}`);
  return v;
}
