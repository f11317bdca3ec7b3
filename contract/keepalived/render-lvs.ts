/**
 * @module keepalived.conf `virtual_server` and `real_server` blocks from a director's virtual
 * servers, written so that fleetlb's importer (to-desired-lvs.ts) maps them back unchanged.
 */
import { addressFamily } from '../ip.js';
import type { DirectorVirtualServer, RealServerSpec, UpDownHooks } from '../virtual-server.js';
import { DEFAULT_CHECK_INTERVAL_MS, renderChecks } from './render-checks.js';
import type { TrackFiles } from './render-track-files.js';
import {
  block,
  type ConfBlock,
  type ConfLine,
  type DocPath,
  msToSeconds,
  type RenderCtx,
  warn,
} from './render-text.js';
import { hookLine } from './render-scripts.js';
import { toName } from './to-desired-helpers.js';

type Server = DirectorVirtualServer;

/** keepalived's persistence_timeout limit (LVS_MAX_TIMEOUT, 31 days). */
const MAX_PERSISTENCE_TIMEOUT_S = 86400 * 31;

/** An IPv4 prefix length as the dotted netmask keepalived wants (`24` → `255.255.255.0`). */
function ipv4Netmask(prefix: number): string {
  const bits = '1'.repeat(prefix).padEnd(32, '0');
  return [0, 8, 16, 24].map((i) => parseInt(bits.slice(i, i + 8), 2)).join('.');
}

function persistenceLines(vs: Server, path: DocPath, ctx: RenderCtx): string[] {
  const p = vs.persistence;
  if (p === undefined) return [];
  let timeoutS = p.timeoutS;
  if (timeoutS > MAX_PERSISTENCE_TIMEOUT_S) {
    warn(
      ctx,
      [...path, 'persistence', 'timeoutS'],
      'unsupported',
      `keepalived allows at most ${MAX_PERSISTENCE_TIMEOUT_S} s`,
    );
    timeoutS = MAX_PERSISTENCE_TIMEOUT_S;
  }
  const granularity =
    p.netmask === undefined
      ? []
      : [`persistence_granularity ${vs.family === 'ipv4' ? ipv4Netmask(p.netmask) : p.netmask}`];
  return [`persistence_timeout ${timeoutS}`, ...granularity];
}

/** What the importer reads back as the family of a fwmark service: the first real (or sorry) server's. */
function importedFamily(vs: Server): string {
  return (
    addressFamily(
      vs.realServers.find((r) => r.adminState !== 'disabled')?.address ??
        vs.sorryServer?.address ??
        '',
    ) ?? 'ipv4'
  );
}

function serviceLines(vs: Server, path: DocPath, ctx: RenderCtx): string[] {
  if (vs.fwmark === undefined) return [`protocol ${(vs.protocol ?? 'tcp').toUpperCase()}`];
  if (vs.family === importedFamily(vs)) return [];
  warn(
    ctx,
    [...path, 'family'],
    'not-reimported',
    "ip_family: fleetlb's importer takes the family from the first real server",
  );
  return [`ip_family ${vs.family === 'ipv6' ? 'inet6' : 'inet'}`];
}

function schedulerLines(vs: Server, path: DocPath, ctx: RenderCtx): string[] {
  if (vs.schedulerFlags.length > 0)
    warn(
      ctx,
      [...path, 'schedulerFlags'],
      'not-reimported',
      "fleetlb's importer does not read scheduler flags",
    );
  return [`lb_algo ${vs.scheduler}`, ...vs.schedulerFlags];
}

/** notify_up/notify_down or quorum_up/quorum_down, each quoted with its own arguments. */
function upDownLines(
  hooks: UpDownHooks | undefined,
  [upKeyword, downKeyword]: readonly [string, string],
  path: DocPath,
  ctx: RenderCtx,
): string[] {
  const line = (key: 'up' | 'down', keyword: string) =>
    hookLine(keyword, hooks?.[key], hooks?.args?.[key], hooks?.runAs?.[key], [...path, key], ctx);
  return [...line('up', upKeyword), ...line('down', downKeyword)];
}

function quorumLines(vs: Server, path: DocPath, ctx: RenderCtx): string[] {
  const lines: string[] = [];
  if (vs.quorum === 0)
    warn(ctx, [...path, 'quorum'], 'unsupported', 'keepalived quorum is at least 1');
  else if (vs.quorum !== 1) lines.push(`quorum ${vs.quorum}`);
  const totalWeight = vs.realServers.reduce(
    (sum, r) => sum + (r.adminState === 'disabled' ? 0 : r.weight),
    0,
  );
  if (Math.max(1, vs.quorum) > totalWeight)
    warn(
      ctx,
      [...path, 'quorum'],
      'unsupported',
      `keepalived counts quorum in real server weight and lowers ${Math.max(1, vs.quorum)} to the total, ${totalWeight}`,
    );
  if (vs.hysteresis !== 0) lines.push(`hysteresis ${vs.hysteresis}`);
  return lines;
}

/**
 * The port keepalived keeps for a direct-routing or tunnelled destination: the service's (none
 * for fwmark); it resets any other, as the kernel ignores it.
 */
function destinationPort(
  vs: Server,
  forwarding: string,
  port: number,
  path: DocPath,
  ctx: RenderCtx,
): number {
  const kept = vs.fwmark === undefined ? (vs.port ?? 0) : 0;
  if (forwarding === 'nat' || port === kept) return port;
  const why = `keepalived resets a ${forwarding} destination's port to the service's`;
  warn(ctx, [...path, 'port'], 'normalized', `${why}: written as ${kept}`);
  return kept;
}

function sorryLines(vs: Server, path: DocPath, ctx: RenderCtx): string[] {
  const s = vs.sorryServer;
  if (s === undefined) return [];
  const forwarding = s.forwarding ?? vs.forwarding;
  const port = destinationPort(vs, forwarding, s.port, [...path, 'sorryServer'], ctx);
  if (s.forwarding !== undefined)
    warn(
      ctx,
      [...path, 'sorryServer', 'forwarding'],
      'not-reimported',
      "fleetlb's importer does not read sorry_server_lvs_method",
    );
  return [
    `sorry_server ${s.address} ${port}`,
    ...(s.forwarding === undefined
      ? []
      : [`sorry_server_lvs_method ${s.forwarding.toUpperCase()}`]),
  ];
}

function checkDefaultLines(vs: Server, path: DocPath, ctx: RenderCtx): string[] {
  const d = vs.checkDefaults;
  const at = [...path, 'checkDefaults'];
  if (d.intervalMs === undefined)
    warn(
      ctx,
      [...at, 'intervalMs'],
      'normalized',
      `written as delay_loop ${DEFAULT_CHECK_INTERVAL_MS / 1000}, fleetlb's default`,
    );
  if (d.timeoutMs !== undefined || d.fall !== undefined)
    warn(
      ctx,
      path,
      'normalized',
      'keepalived has no default timeout or retry: written into each checker',
    );
  if (d.rise !== undefined)
    warn(ctx, [...at, 'rise'], 'unsupported', 'keepalived checkers have no rise');
  return [`delay_loop ${msToSeconds(d.intervalMs ?? DEFAULT_CHECK_INTERVAL_MS)}`];
}

function realServer(
  r: RealServerSpec,
  vs: Server,
  path: DocPath,
  trackFiles: TrackFiles,
  ctx: RenderCtx,
): ConfBlock[] {
  if (r.adminState === 'disabled') {
    warn(ctx, [...path, 'adminState'], 'normalized', 'a disabled real server is left out');
    return [];
  }
  const port = destinationPort(vs, r.forwarding ?? vs.forwarding, r.port, path, ctx);
  const derived = toName(`${r.address}-${port}`, 'real-server');
  if (r.name !== derived)
    warn(
      ctx,
      [...path, 'name'],
      'normalized',
      `keepalived real servers have no name: comes back as ${derived}`,
    );
  if (r.description !== undefined || Object.keys(r.labels).length > 0)
    warn(ctx, path, 'normalized', 'keepalived real servers have no description or labels');
  if (r.adminState === 'draining')
    warn(ctx, path, 'normalized', 'a draining real server is written as an enabled one, weight 0');
  if (r.forwarding !== undefined)
    warn(
      ctx,
      [...path, 'forwarding'],
      'not-reimported',
      "fleetlb's importer does not read a real server's lvs_method",
    );
  const body: ConfLine[] = [
    `weight ${r.adminState === 'draining' ? 0 : r.weight}`,
    ...(r.forwarding === undefined ? [] : [`lvs_method ${r.forwarding.toUpperCase()}`]),
    ...(r.upperThreshold === 0 ? [] : [`uthreshold ${r.upperThreshold}`]),
    ...(r.lowerThreshold === 0 ? [] : [`lthreshold ${r.lowerThreshold}`]),
    ...renderChecks(r.checks, vs.checkDefaults, [...path, 'checks'], trackFiles, ctx),
    ...upDownLines(r.notify, ['notify_up', 'notify_down'], [...path, 'notify'], ctx),
  ];
  return [block(`real_server ${r.address} ${port}`, body)];
}

/** One `virtual_server` (IP port, or fwmark) with its real servers. */
export function renderVirtualServer(
  vs: Server,
  i: number,
  trackFiles: TrackFiles,
  ctx: RenderCtx,
): ConfBlock {
  const path = ['virtualServers', i];
  if (!vs.realServers.some((r) => r.adminState !== 'disabled'))
    warn(
      ctx,
      [...path, 'realServers'],
      'unsupported',
      'keepalived ignores a virtual server without real servers',
    );
  const key =
    vs.fwmark === undefined ? `${vs.address ?? ''} ${vs.port ?? 0}` : `fwmark ${vs.fwmark}`;
  const derived = toName(
    vs.fwmark === undefined ? `${vs.address}-${vs.port}` : `fwmark-${vs.fwmark}`,
    'virtual-server',
  );
  if (vs.name !== derived)
    warn(
      ctx,
      [...path, 'name'],
      'normalized',
      `keepalived virtual servers have no name: comes back as ${derived}`,
    );
  if (vs.vrrpInstance !== undefined)
    warn(
      ctx,
      [...path, 'vrrpInstance'],
      'unsupported',
      'keepalived installs virtual servers on every director, whatever the VRRP state',
    );
  return block(`virtual_server ${key}`, [
    ...serviceLines(vs, path, ctx),
    ...checkDefaultLines(vs, path, ctx),
    ...schedulerLines(vs, path, ctx),
    `lb_kind ${vs.forwarding.toUpperCase()}`,
    ...persistenceLines(vs, path, ctx),
    ...quorumLines(vs, path, ctx),
    ...sorryLines(vs, path, ctx),
    ...(vs.inhibitOnFailure ? ['inhibit_on_failure'] : []),
    ...(vs.initialHealth === 'down' ? ['alpha'] : []),
    ...upDownLines(vs.quorumNotify, ['quorum_up', 'quorum_down'], [...path, 'quorumNotify'], ctx),
    ...vs.realServers.flatMap((r, j) =>
      realServer(r, vs, [...path, 'realServers', j], trackFiles, ctx),
    ),
  ]);
}
