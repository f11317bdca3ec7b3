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
import {
  lossy,
  type MapCtx,
  program,
  secondsToMs,
  toName,
  trackFilePath,
} from './to-desired-helpers.js';
import { withRunAs } from './to-desired-run-as.js';
import { hookFields } from './to-desired-hooks.js';

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
    const command =
      script === undefined
        ? undefined
        : program(script.script ?? [], script.at, ctx, `vrrp_script ${t.name}`);
    if (script?.weightReverse === true) {
      lossy(
        ctx,
        script.at,
        `vrrp_script ${t.name}: 'weight … reverse' has no fleetlb equivalent; track_script dropped (running it unreversed would move the priority the wrong way)`,
      );
      continue;
    }
    if (script === undefined || command === undefined) {
      // keepalived: "track_script … not found, ignoring" / a script without a command is disabled.
      const why =
        script === undefined ? 'no vrrp_script of that name' : 'its vrrp_script has no script';
      lossy(ctx, v.at, `track_script ${t.name}: ${why}; keepalived ignores it, so does fleetlb`);
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
      ...withRunAs(script.user, k.globalDefs),
    });
  }
  return [...out, ...trackedFiles(v, k, ctx)];
}

/** An instance's track_file entries (trackers/track_file.c vrrp_alloc_track_file()). */
function trackedFiles(v: VrrpInstanceConf, k: KeepalivedConfig, ctx: MapCtx): TrackInput[] {
  const seen = new Set<string>();
  return v.trackFiles.flatMap((ref): TrackInput[] => {
    const file = k.trackFiles.find((f) => f.name === ref.name);
    if (file?.file === undefined) {
      lossy(
        ctx,
        ref.at,
        `track_file ${ref.name}: no track_file of that name; keepalived ignores it, so does fleetlb`,
      );
      return [];
    }
    if (seen.has(ref.name)) {
      lossy(ctx, ref.at, `duplicate track_file ${ref.name}; ignored, as keepalived ignores it`);
      return [];
    }
    seen.add(ref.name);
    return [
      {
        type: 'file',
        name: toName(`file-${ref.name}`, 'file'),
        path: trackFilePath({ ...file, file: file.file }, ctx),
        weight: ref.weight ?? file.weight,
        reverse: ref.reverse ?? file.reverse,
        ...(file.init === undefined ? {} : { init: file.init }),
      },
    ];
  });
}

type HookKey = keyof NotifyScripts;

/** Each notify script with its own arguments (keepalived's `notify` also gets TYPE NAME STATE PRIORITY). */
function notify(
  n: NotifyScripts,
  v: VrrpInstanceConf,
  g: GlobalDefs,
  ctx: MapCtx,
): InstanceInput['notify'] {
  const keys = Object.keys(n) as HookKey[];
  const entries = keys.map((key) => [key, n[key], v.notifyUsers[key]] as const);
  return hookFields(entries, g, v.at, ctx, `${v.name}: notify`);
}

function flagUnsupported(v: VrrpInstanceConf, ctx: MapCtx): void {
  if (v.useVmac)
    lossy(
      ctx,
      v.at,
      `${v.name}: use_vmac is not supported: the VIPs go on ${v.interface ?? 'the interface'} itself and the adverts carry its own MAC, not 00:00:5e:00:01:VRID (peers and switches see the real MAC move on failover)`,
    );
  if (v.authentication?.type === 'AH')
    lossy(
      ctx,
      v.at,
      `${v.name}: auth_type AH is not supported: adverts are sent without authentication, and a keepalived peer using AH will not accept them (nor fleetlb its)`,
    );
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

/**
 * virtual_ipaddress_excluded (`advertised: false`): keepalived adds them with the VIPs but leaves
 * them out of the adverts (vrrp.c vrrp_build_vrrp() lists `vrrp->vip` only), so they may be of
 * the other family too.
 */
function vipInput(vip: VirtualAddress, advertised: boolean): InstanceInput['vips'][number] {
  return {
    address: vip.address,
    ...(advertised ? {} : { advertised: false }),
    ...(vip.prefixLength === undefined ? {} : { prefixLength: vip.prefixLength }),
    ...(vip.dev === undefined ? {} : { device: vip.dev }),
    ...(vip.label === undefined ? {} : { label: vip.label }),
  };
}

/**
 * keepalived: no priority with state MASTER means 255, otherwise 100. keepalived also runs 255 on
 * a director that does not own a VIP (the address owner of RFC 9568 §6.1, which fleetlb
 * reserves): fleetlb runs 254 there, still above every 1-254 backup.
 */
function priority(
  v: VrrpInstanceConf,
  vips: VirtualAddress[],
  director: { address: string },
  ctx: MapCtx,
): number {
  const wanted = v.priority ?? (v.state === 'MASTER' ? 255 : 100);
  if (wanted < 255) return wanted;
  const own = canonicalAddress(director.address);
  if (vips.some((vip) => canonicalAddress(vip.address) === own)) return 255;
  lossy(
    ctx,
    v.at,
    `${v.name}: priority 255 is for the owner of the address (RFC 9568 §6.1) and this director (${director.address}) owns no VIP: 254 (it wins against any backup, but a peer at 254 ties and the higher primary address wins)`,
  );
  return 254;
}

/** vrrp.c vrrp_complete_instance(): "nopreempt will not work with initial state MASTER - clearing". */
function preempt(v: VrrpInstanceConf, ctx: MapCtx): boolean {
  if (!v.nopreempt) return true;
  if (v.state !== 'MASTER') return false;
  lossy(
    ctx,
    v.at,
    `${v.name}: nopreempt with state MASTER: keepalived clears nopreempt, so this instance preempts (use state BACKUP for nopreempt)`,
  );
  return true;
}

/** One keepalived instance as a director instance; `undefined` (with a warning) when incomplete. */
export function mapVrrpInstance(
  v: VrrpInstanceConf,
  k: KeepalivedConfig,
  director: { address: string },
  ctx: MapCtx,
): InstanceInput | undefined {
  if (v.virtualRouterId === undefined || v.interface === undefined) {
    lossy(ctx, v.at, `${v.name}: no virtual_router_id or interface; instance dropped`);
    return undefined;
  }
  flagUnsupported(v, ctx);
  const vips = uniqueVips([...v.virtualIpaddress, ...v.virtualIpaddressExcluded], ctx);
  // The adverts' family is the advertised VIPs' (excluded ones may be of the other).
  const ipv6 = v.virtualIpaddress.some((vip) => addressFamily(vip.address) === 'ipv6');
  const password = v.authentication?.type === 'PASS' ? v.authentication.password : undefined;
  const syncGroup = k.vrrpSyncGroups.find((s) => s.group.includes(v.name));
  return {
    name: toName(v.name, `vrid-${v.virtualRouterId}`),
    vrid: v.virtualRouterId,
    version: ipv6 ? 3 : v.version,
    interface: v.interface,
    advertIntervalCs: v.advertIntervalCs ?? 100,
    preempt: preempt(v, ctx),
    preemptDelayS: Math.round(v.preemptDelayS ?? 0),
    acceptMode: v.accept ?? !k.globalDefs.vrrpStrict,
    unicast: v.unicastPeers.length > 0,
    ...(password === undefined ? {} : { authPassword: password }),
    vips: vips.map((vip) => vipInput(vip, v.virtualIpaddress.includes(vip))),
    trackedChecks: tracked(v, k, ctx),
    ...(syncGroup === undefined ? {} : { syncGroup: toName(syncGroup.name, 'sync-group') }),
    garp: garp(v, k.globalDefs),
    notify: notify(v.notify, v, k.globalDefs, ctx),
    priority: priority(v, vips, director, ctx),
    ...(v.unicastSrcIp === undefined ? {} : { unicastSource: v.unicastSrcIp }),
    unicastPeers: v.unicastPeers,
  };
}
