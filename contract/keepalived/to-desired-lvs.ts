/** @module Maps keepalived `virtual_server`s (and groups) onto fleetlb DirectorVirtualServer inputs. */
import { addressFamily } from '../ip.js';
import type { z } from 'zod';
import { Scheduler, type DirectorVirtualServer } from '../virtual-server.js';
import type {
  GlobalDefs,
  KeepalivedConfig,
  RealServerConf,
  ScriptUserConf,
  VirtualServerConf,
  VirtualServerGroupEntry,
} from './model.js';
import { mapChecker } from './to-desired-checks.js';
import {
  granularityPrefix,
  lossy,
  type MapCtx,
  secondsToMs,
  toName,
} from './to-desired-helpers.js';
import type { SourcePosition } from './diagnostics.js';
import { hookFields } from './to-desired-hooks.js';

/** RealServerSpec's `checks` limit. */
const MAX_CHECKS = 8;

type ServerInput = z.input<typeof DirectorVirtualServer>;
type RealInput = ServerInput['realServers'][number];
type HooksInput = NonNullable<RealInput['notify']>;

/** notify_up/notify_down, quorum_up/quorum_down: each script with its own arguments and user. */
function upDownHooks(
  up: readonly string[] | undefined,
  down: readonly string[] | undefined,
  users: { up?: ScriptUserConf; down?: ScriptUserConf } | undefined,
  g: GlobalDefs,
  at: SourcePosition,
  ctx: MapCtx,
  what: string,
): HooksInput | undefined {
  const entries = [
    ['up', up, users?.up],
    ['down', down, users?.down],
  ] as const;
  const hooks = hookFields(entries, g, at, ctx, what);
  return hooks.up === undefined && hooks.down === undefined ? undefined : hooks;
}

/** keepalived's `virtual_server group` stands for each entry of the group; ranges are expanded. */
function expandEntry(e: VirtualServerGroupEntry): VirtualServerGroupEntry[] {
  if (e.kind !== 'range') return [e];
  const sep = e.first.includes(':') ? ':' : '.';
  const base = e.first.slice(0, e.first.lastIndexOf(sep) + 1);
  const radix = sep === ':' ? 16 : 10;
  const from = parseInt(e.first.slice(base.length), radix);
  const to = parseInt(e.last.slice(base.length), radix);
  const out: VirtualServerGroupEntry[] = [];
  for (let n = from; n <= to && out.length < 256; n++)
    out.push({ kind: 'address', address: `${base}${n.toString(radix)}`, port: e.port });
  return out;
}

function keys(v: VirtualServerConf, k: KeepalivedConfig, ctx: MapCtx): VirtualServerGroupEntry[] {
  if (v.key.kind !== 'group') return [v.key];
  const name = v.key.group;
  const group = k.virtualServerGroups.find((g) => g.name === name);
  if (group === undefined) lossy(ctx, v.at, `virtual_server_group ${name} is not defined`);
  const entries = (group?.entries ?? []).flatMap(expandEntry);
  if (entries.length > 1)
    lossy(ctx, v.at, `group ${name} becomes ${entries.length} virtual servers`);
  return entries;
}

/**
 * check_data.c `validate_check_config()`: with DR or TUN the packets keep their destination port,
 * so a real server's differing port is reset to the virtual server's ("ports don't match -
 * resetting").
 */
function realPort(r: RealServerConf, v: VirtualServerConf, port: number, ctx: MapCtx): number {
  if (r.port === undefined || v.lbKind === undefined || v.lbKind === 'NAT' || port === 0)
    return r.port ?? port;
  if (r.port !== port)
    lossy(
      ctx,
      r.at,
      `${r.address}: with lb_kind ${v.lbKind} the real server's port ${r.port} cannot differ from the virtual server's: ${port}, as keepalived resets it`,
    );
  return port;
}

function realServer(
  r: RealServerConf,
  v: VirtualServerConf,
  port: number,
  k: KeepalivedConfig,
  ctx: MapCtx,
): RealInput {
  const g = k.globalDefs;
  const host = v.virtualhost;
  const inherited = {
    globalDefs: g,
    trackFiles: k.trackFiles,
    retry: r.retry ?? v.retry,
    delayBeforeRetryS: r.delayBeforeRetryS ?? v.delayBeforeRetryS,
    delayLoopS: r.delayLoopS,
    serverDelayLoopS: v.delayLoopS,
    address: r.address,
  };
  const notify = upDownHooks(
    r.notifyUp,
    r.notifyDown,
    r.notifyUsers,
    g,
    r.at,
    ctx,
    `${r.address}: notify`,
  );
  const all = r.checkers.flatMap((c) => mapChecker(c, inherited, host, ctx));
  if (all.length > MAX_CHECKS)
    lossy(
      ctx,
      r.at,
      `${r.address}: ${all.length} checks (one per HTTP url); fleetlb runs at most ${MAX_CHECKS} per real server, the first ${MAX_CHECKS}: the others are not checked`,
    );
  const checks = all.slice(0, MAX_CHECKS);
  const rsPort = r.port ?? port;
  return {
    name: toName(`${r.address}-${rsPort}`, 'real-server'),
    address: r.address,
    port: rsPort,
    weight: r.weight ?? 1,
    upperThreshold: r.uthreshold ?? 0,
    lowerThreshold: r.lthreshold ?? 0,
    checks,
    ...(notify === undefined ? {} : { notify }),
  };
}

function flagUnsupported(v: VirtualServerConf, ctx: MapCtx): void {
  if (v.omega)
    lossy(
      ctx,
      v.at,
      'omega is not supported: the quorum_down and notify_down scripts do not run when the agent stops or the virtual server is removed',
    );
  const inhibit = v.realServers.filter((r) => r.inhibitOnFailure).length;
  if (inhibit > 0 && inhibit < v.realServers.length)
    lossy(ctx, v.at, 'inhibit_on_failure on some real servers applies to the whole virtual server');
}

function common(
  v: VirtualServerConf,
  g: GlobalDefs,
  ctx: MapCtx,
): Omit<ServerInput, 'name' | 'family' | 'realServers'> {
  const scheduler = Scheduler.safeParse(v.lbAlgo ?? 'wlc');
  if (!scheduler.success)
    lossy(ctx, v.at, `lb_algo ${v.lbAlgo ?? ''} is not an IPVS scheduler; wlc`);
  const netmask = granularityPrefix(v.persistenceGranularity ?? '');
  const persistence =
    v.persistenceTimeoutS === undefined || v.persistenceTimeoutS < 1
      ? {}
      : {
          persistence: {
            timeoutS: v.persistenceTimeoutS,
            ...(netmask === undefined ? {} : { netmask }),
          },
        };
  const quorumNotify = upDownHooks(v.quorumUp, v.quorumDown, v.quorumUsers, g, v.at, ctx, 'quorum');
  return {
    scheduler: scheduler.success ? scheduler.data : 'wlc',
    forwarding: v.lbKind === undefined ? 'nat' : (v.lbKind.toLowerCase() as 'nat'),
    ...persistence,
    quorum: Math.min(65535, v.quorum ?? 1),
    hysteresis: Math.min(65535, v.hysteresis ?? 0),
    inhibitOnFailure: v.inhibitOnFailure || v.realServers.some((r) => r.inhibitOnFailure),
    checkDefaults: { intervalMs: secondsToMs(v.delayLoopS ?? 60, 100, 3_600_000) },
    ...(v.alpha ? { initialHealth: 'down' as const } : {}),
    ...(quorumNotify === undefined ? {} : { quorumNotify }),
  };
}

/** One keepalived virtual server as one or more director virtual servers. */
export function mapVirtualServer(
  v: VirtualServerConf,
  k: KeepalivedConfig,
  ctx: MapCtx,
): ServerInput[] {
  flagUnsupported(v, ctx);
  const shared = common(v, k.globalDefs, ctx);
  // check_data.c: "no protocol set - defaulting to UDP" (IPVS's own default for protocol 0).
  const protocol: 'tcp' | 'udp' | 'sctp' =
    v.protocol === undefined ? 'udp' : (v.protocol.toLowerCase() as 'tcp');
  if (v.protocol === undefined && v.key.kind !== 'fwmark')
    lossy(
      ctx,
      v.at,
      'no protocol: UDP, as keepalived 2.2 defaults it (write protocol TCP for a TCP service)',
    );
  const first = v.realServers[0]?.address ?? v.sorryServer?.address ?? '';
  return keys(v, k, ctx).flatMap((key) => {
    if (key.kind === 'range') return [];
    const port = key.kind === 'address' ? key.port : 0;
    const where =
      key.kind === 'address'
        ? { address: key.address, port, protocol, family: addressFamily(key.address) ?? 'ipv4' }
        : { fwmark: key.fwmark, family: addressFamily(first) ?? 'ipv4' };
    const name = key.kind === 'address' ? `${key.address}-${port}` : `fwmark-${key.fwmark}`;
    const sorry = v.sorryServer && {
      address: v.sorryServer.address,
      port: v.sorryServer.port ?? port,
    };
    const server: ServerInput = {
      name: toName(name, 'virtual-server'),
      ...shared,
      ...where,
      ...(sorry === undefined ? {} : { sorryServer: sorry }),
      realServers: v.realServers.map((r) =>
        realServer({ ...r, port: realPort(r, v, port, ctx) }, v, port, k, ctx),
      ),
    };
    return [server];
  });
}
