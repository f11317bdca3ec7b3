/** @module Maps keepalived `vrrp_instance`s onto fleetlb DirectorVrrpInstance inputs, flagging what is lost. */
import { addressFamily, canonicalAddress } from '../ip.js';
import type { z } from 'zod';
import type { DirectorVrrpInstance } from '../vrrp-instance.js';
import type {
  GlobalDefs,
  KeepalivedConfig,
  NotifyScripts,
  VirtualAddress,
  VrrpInstanceConf,
} from './model.js';
import { lossy, type MapCtx, secondsToMs, splitCommand, toName } from './to-desired-helpers.js';

type InstanceInput = z.input<typeof DirectorVrrpInstance>;
type TrackInput = NonNullable<InstanceInput['trackedChecks']>[number];

function tracked(v: VrrpInstanceConf, k: KeepalivedConfig, ctx: MapCtx): TrackInput[] {
  const out: TrackInput[] = v.trackInterfaces.map((t) => ({
    type: 'interface',
    name: toName(`if-${t.name}`, 'interface'),
    interface: t.name,
    weight: t.weight ?? 0,
  }));
  for (const t of v.trackScripts) {
    const script = k.vrrpScripts.find((s) => s.name === t.name);
    const command = splitCommand(script?.script ?? '');
    if (script === undefined || !command.path.startsWith('/')) {
      lossy(
        ctx,
        v.at,
        `track_script ${t.name}: needs a vrrp_script with an absolute path; dropped`,
      );
      continue;
    }
    const intervalMs = secondsToMs(script.intervalS ?? 1, 100, 3_600_000);
    out.push({
      type: 'script',
      name: toName(t.name, 'script'),
      ...command,
      intervalMs,
      timeoutMs: secondsToMs(script.timeoutS ?? intervalMs / 1000, 10, 600_000),
      rise: Math.min(100, script.rise ?? 1),
      fall: Math.min(100, script.fall ?? 1),
      weight: t.weight ?? script.weight ?? 0,
    });
  }
  return out;
}

function notify(n: NotifyScripts, v: VrrpInstanceConf, ctx: MapCtx): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, command] of Object.entries(n)) {
    const { path, args } = splitCommand(command);
    if (args.length > 0) lossy(ctx, v.at, `notify script arguments are not supported: ${command}`);
    out[key] = path;
  }
  return out;
}

function flagUnsupported(v: VrrpInstanceConf, ctx: MapCtx): void {
  if (v.useVmac) lossy(ctx, v.at, `${v.name}: use_vmac is not supported; ignored`);
  if (v.authentication?.type === 'AH') lossy(ctx, v.at, `${v.name}: auth_type AH is not supported`);
  if (v.virtualIpaddressExcluded.length > 0)
    lossy(ctx, v.at, `${v.name}: virtual_ipaddress_excluded become ordinary VIPs (advertised)`);
  for (const vip of [...v.virtualIpaddress, ...v.virtualIpaddressExcluded]) {
    if (vip.broadcast !== undefined || vip.scope !== undefined)
      lossy(ctx, vip.at, `${vip.address}: brd/scope are not supported; ignored`);
  }
}

/** keepalived tolerates an address listed twice (e.g. once more with a label); fleetlb does not. */
function uniqueVips(vips: VirtualAddress[], ctx: MapCtx): VirtualAddress[] {
  const seen = new Set<string>();
  return vips.filter((vip) => {
    const key = canonicalAddress(vip.address) ?? vip.address;
    if (!seen.has(key)) {
      seen.add(key);
      return true;
    }
    lossy(ctx, vip.at, `${vip.address} is listed twice; the later entry is dropped`);
    return false;
  });
}

/** Instance garp_* settings, else the global vrrp_garp_* ones, else keepalived's defaults. */
function garp(v: VrrpInstanceConf, g: GlobalDefs): NonNullable<InstanceInput['garp']> {
  return {
    masterDelayS: Math.round(v.garpMasterDelayS ?? g.vrrpGarpMasterDelayS ?? 5),
    masterRepeat: Math.min(100, v.garpMasterRepeat ?? g.vrrpGarpMasterRepeat ?? 5),
    masterRefreshS: Math.round(v.garpMasterRefreshS ?? g.vrrpGarpMasterRefreshS ?? 0),
    intervalMs: secondsToMs(g.vrrpGarpIntervalS ?? 0, 0, 10_000),
  };
}

function vipInput(vip: VirtualAddress): InstanceInput['vips'][number] {
  return {
    address: vip.address,
    ...(vip.prefixLength === undefined ? {} : { prefixLength: vip.prefixLength }),
    ...(vip.dev === undefined ? {} : { device: vip.dev }),
    ...(vip.label === undefined ? {} : { label: vip.label }),
  };
}

/** One keepalived instance as a director instance; `undefined` (with a warning) when incomplete. */
export function mapVrrpInstance(
  v: VrrpInstanceConf,
  k: KeepalivedConfig,
  ctx: MapCtx,
): InstanceInput | undefined {
  if (v.virtualRouterId === undefined || v.interface === undefined) {
    lossy(ctx, v.at, `${v.name}: no virtual_router_id or interface; instance dropped`);
    return undefined;
  }
  flagUnsupported(v, ctx);
  const vips = uniqueVips([...v.virtualIpaddress, ...v.virtualIpaddressExcluded], ctx);
  const ipv6 = vips.some((vip) => addressFamily(vip.address) === 'ipv6');
  const password = v.authentication?.type === 'PASS' ? v.authentication.password : undefined;
  const syncGroup = k.vrrpSyncGroups.find((s) => s.group.includes(v.name));
  return {
    name: toName(v.name, `vrid-${v.virtualRouterId}`),
    vrid: v.virtualRouterId,
    version: ipv6 ? 3 : v.version,
    interface: v.interface,
    advertIntervalCs: v.advertIntervalCs ?? 100,
    preempt: !v.nopreempt,
    preemptDelayS: Math.round(v.preemptDelayS ?? 0),
    acceptMode: v.accept ?? !k.globalDefs.vrrpStrict,
    unicast: v.unicastPeers.length > 0,
    ...(password === undefined ? {} : { authPassword: password }),
    vips: vips.map(vipInput),
    trackedChecks: tracked(v, k, ctx),
    ...(syncGroup === undefined ? {} : { syncGroup: toName(syncGroup.name, 'sync-group') }),
    garp: garp(v, k.globalDefs),
    notify: notify(v.notify, v, ctx),
    // keepalived: no priority + state MASTER means 255, otherwise 100.
    priority: v.priority ?? (v.state === 'MASTER' ? 255 : 100),
    ...(v.unicastSrcIp === undefined ? {} : { unicastSource: v.unicastSrcIp }),
    unicastPeers: v.unicastPeers,
  };
}
