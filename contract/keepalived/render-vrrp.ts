/**
 * @module keepalived.conf `vrrp_instance` and `vrrp_sync_group` blocks from a director's VRRP
 * instances, written so that fleetlb's importer (to-desired-vrrp.ts) maps them back unchanged.
 */
import { addressFamily } from '../ip.js';
import type { DirectorVrrpInstance, TrackedCheck, Vip } from '../vrrp-instance.js';
import type { VrrpScripts } from './render-scripts.js';
import { hookLine } from './render-scripts.js';
import { trackFileLine, type TrackFiles } from './render-track-files.js';
import {
  block,
  type ConfBlock,
  type ConfLine,
  csToSeconds,
  type DocPath,
  quote,
  type RenderCtx,
  warn,
  word,
} from './render-text.js';
import { toName } from './to-desired-helpers.js';

/** keepalived refuses tracker weights of ±254 (it sets them to ±253 with an error). */
const MAX_TRACK_WEIGHT = 253;
const OWNER_PRIORITY = 255;
/** keepalived's defaults, which the importer also assumes when a keyword is absent. */
const GARP_DEFAULTS = { masterDelayS: 5, masterRepeat: 5, masterRefreshS: 0 };
const NOTIFY_KEYWORDS = [
  ['master', 'notify_master'],
  ['backup', 'notify_backup'],
  ['fault', 'notify_fault'],
  ['stop', 'notify_stop'],
  ['any', 'notify'],
] as const;

function weightSuffix(ctx: RenderCtx, path: DocPath, weight: number): string {
  if (weight === 0) return '';
  const clamped = Math.max(-MAX_TRACK_WEIGHT, Math.min(MAX_TRACK_WEIGHT, weight));
  if (clamped !== weight)
    warn(ctx, [...path, 'weight'], 'unsupported', `keepalived tracker weights stop at ±253`);
  return ` weight ${clamped}`;
}

/** Whether a tracked check can be written at all; warns when not. */
function trackable(inst: DirectorVrrpInstance, t: TrackedCheck, path: DocPath, ctx: RenderCtx) {
  if (t.type === 'virtual-server') {
    warn(ctx, path, 'unsupported', 'keepalived VRRP cannot track a virtual server; dropped');
    return false;
  }
  if (inst.priority === OWNER_PRIORITY && t.weight !== 0) {
    const why =
      "an address owner's priority never changes, and keepalived refuses weighted trackers on it";
    warn(ctx, path, 'normalized', `${why}; dropped`);
    return false;
  }
  if (t.type === 'interface' && t.interface === inst.interface) {
    const why = `keepalived always tracks the instance's own interface (down = FAULT) and refuses it in track_interface`;
    warn(ctx, path, t.weight === 0 ? 'normalized' : 'unsupported', `${why}; dropped`);
    return false;
  }
  return true;
}

function trackLines(
  inst: DirectorVrrpInstance,
  i: number,
  { scripts, trackFiles }: { scripts: VrrpScripts; trackFiles: TrackFiles },
  ctx: RenderCtx,
): ConfLine[] {
  const interfaces: string[] = [];
  const tracked: string[] = [];
  const files: string[] = [];
  inst.trackedChecks.forEach((t, j) => {
    const path = ['vrrpInstances', i, 'trackedChecks', j];
    if (!trackable(inst, t, path, ctx)) return;
    if (t.type === 'interface') {
      const derived = toName(`if-${t.interface}`, 'interface');
      if (t.name !== derived)
        warn(
          ctx,
          [...path, 'name'],
          'normalized',
          `track_interface has no name: comes back as ${derived}`,
        );
      interfaces.push(
        `${word(ctx, [...path, 'interface'], t.interface)}${weightSuffix(ctx, path, t.weight)}`,
      );
    } else if (t.type === 'script') {
      const name = scripts.nameOf(i, j) ?? t.name;
      tracked.push(`${quote(name)}${weightSuffix(ctx, path, t.weight)}`);
    } else if (t.type === 'file') {
      files.push(trackFileLine(trackFiles.nameOf(i, j) ?? t.name, t));
    }
  });
  return [
    ...(interfaces.length > 0 ? [block('track_interface', interfaces)] : []),
    ...(tracked.length > 0 ? [block('track_script', tracked)] : []),
    ...(files.length > 0 ? [block('track_file', files)] : []),
  ];
}

/** `ADDR[/PLEN] [dev X] [label Y]`. */
function vipLine(vip: Vip, path: DocPath, ctx: RenderCtx): string {
  const parts = [
    vip.prefixLength === undefined ? vip.address : `${vip.address}/${vip.prefixLength}`,
  ];
  if (vip.device !== undefined) parts.push('dev', word(ctx, [...path, 'device'], vip.device));
  if (vip.label !== undefined && addressFamily(vip.address) === 'ipv6')
    warn(ctx, [...path, 'label'], 'unsupported', 'IPv6 addresses have no label; dropped');
  else if (vip.label !== undefined) parts.push('label', word(ctx, [...path, 'label'], vip.label));
  return parts.join(' ');
}

/** The advertised VIPs, or the excluded ones (`advertised: false`); nothing when there are none. */
function vipBlock(
  head: string,
  inst: DirectorVrrpInstance,
  path: DocPath,
  advertised: boolean,
  ctx: RenderCtx,
): ConfBlock[] {
  const lines = inst.vips.flatMap((v, j) =>
    (v.advertised !== false) === advertised ? [vipLine(v, [...path, 'vips', j], ctx)] : [],
  );
  return lines.length === 0 ? [] : [block(head, lines)];
}

function preemptLines(inst: DirectorVrrpInstance, path: DocPath, ctx: RenderCtx): string[] {
  const owner = inst.priority === OWNER_PRIORITY;
  if (!inst.preempt && owner)
    warn(
      ctx,
      [...path, 'preempt'],
      'unsupported',
      'an address owner always preempts (keepalived refuses nopreempt)',
    );
  if (!inst.preempt && inst.preemptDelayS > 0)
    warn(
      ctx,
      [...path, 'preemptDelayS'],
      'unsupported',
      'keepalived ignores preempt_delay with nopreempt; dropped',
    );
  if (!inst.preempt && !owner) return ['nopreempt'];
  return inst.preempt && inst.preemptDelayS > 0 ? [`preempt_delay ${inst.preemptDelayS}`] : [];
}

function transportLines(inst: DirectorVrrpInstance, path: DocPath, ctx: RenderCtx): ConfLine[] {
  if (!inst.unicast) {
    if (inst.unicastPeers.length > 0)
      warn(
        ctx,
        [...path, 'unicastPeers'],
        'unsupported',
        'peers without unicast mean nothing to keepalived; dropped',
      );
    // keepalived's multicast source address; the importer reads it as unicastSource.
    return inst.unicastSource === undefined ? [] : [`mcast_src_ip ${inst.unicastSource}`];
  }
  return [
    ...(inst.unicastSource === undefined ? [] : [`unicast_src_ip ${inst.unicastSource}`]),
    block('unicast_peer', [...inst.unicastPeers]),
  ];
}

function garpLines(inst: DirectorVrrpInstance): string[] {
  const g = inst.garp;
  return [
    ...(g.masterDelayS === GARP_DEFAULTS.masterDelayS
      ? []
      : [`garp_master_delay ${g.masterDelayS}`]),
    ...(g.masterRepeat === GARP_DEFAULTS.masterRepeat
      ? []
      : [`garp_master_repeat ${g.masterRepeat}`]),
    ...(g.masterRefreshS === GARP_DEFAULTS.masterRefreshS
      ? []
      : [`garp_master_refresh ${g.masterRefreshS}`]),
  ];
}

function notifyLines(inst: DirectorVrrpInstance, path: DocPath, ctx: RenderCtx): string[] {
  const n = inst.notify;
  return NOTIFY_KEYWORDS.flatMap(([key, keyword]) =>
    hookLine(keyword, n[key], n.args?.[key], n.runAs?.[key], [...path, 'notify', key], ctx),
  );
}

/** One `vrrp_instance`; `version` is written when the global vrrp_version does not cover it. */
export function renderVrrpInstance(
  inst: DirectorVrrpInstance,
  i: number,
  options: { scripts: VrrpScripts; trackFiles: TrackFiles; writeVersion: boolean },
  ctx: RenderCtx,
): ConfBlock {
  const path = ['vrrpInstances', i];
  if (inst.v3ChecksumAsV2)
    warn(
      ctx,
      [...path, 'v3ChecksumAsV2'],
      'unsupported',
      'keepalived 2.2 has no v3_checksum_as_v2; dropped',
    );
  if (inst.version === 3 && inst.vips.every((v) => v.advertised === false))
    warn(
      ctx,
      [...path, 'vips'],
      'unsupported',
      'keepalived refuses a VRRPv3 instance without VIPs ("No VIP specified; at least one is required")',
    );
  const auth = inst.authPassword;
  return block(`vrrp_instance ${quote(inst.name)}`, [
    // fleetlb has no initial state: every director starts as BACKUP and the priorities elect.
    'state BACKUP',
    `interface ${word(ctx, [...path, 'interface'], inst.interface)}`,
    `virtual_router_id ${inst.vrid}`,
    `priority ${inst.priority}`,
    `advert_int ${csToSeconds(inst.advertIntervalCs)}`,
    ...(options.writeVersion ? [`version ${inst.version}`] : []),
    ...preemptLines(inst, path, ctx),
    ...(inst.acceptMode ? [] : ['no_accept']),
    ...transportLines(inst, path, ctx),
    ...(auth === undefined
      ? []
      : [
          block('authentication', [
            'auth_type PASS',
            `auth_pass ${word(ctx, [...path, 'authPassword'], auth)}`,
          ]),
        ]),
    ...trackLines(inst, i, options, ctx),
    // None: a notify-only instance, which keepalived runs with a warning (VRRPv2 only).
    ...vipBlock('virtual_ipaddress', inst, path, true, ctx),
    ...vipBlock('virtual_ipaddress_excluded', inst, path, false, ctx),
    ...garpLines(inst),
    ...notifyLines(inst, path, ctx),
  ]);
}

/** One `vrrp_sync_group` per group with two or more instances, in order of first use. */
export function renderSyncGroups(
  instances: readonly DirectorVrrpInstance[],
  ctx: RenderCtx,
): ConfBlock[] {
  const groups = new Map<string, number[]>();
  instances.forEach((inst, i) => {
    if (inst.syncGroup !== undefined)
      groups.set(inst.syncGroup, [...(groups.get(inst.syncGroup) ?? []), i]);
  });
  return [...groups].flatMap(([name, members]) => {
    if (members.length < 2) {
      const path = ['vrrpInstances', members[0] ?? 0, 'syncGroup'];
      warn(
        ctx,
        path,
        'normalized',
        `sync group ${name} has one instance, which keepalived refuses; dropped`,
      );
      return [];
    }
    // keepalived ignores tracker weights of grouped instances unless told otherwise.
    const weighted = members.some((i) => instances[i]?.trackedChecks.some((t) => t.weight !== 0));
    return [
      block(`vrrp_sync_group ${quote(name)}`, [
        block(
          'group',
          members.map((i) => quote(instances[i]?.name ?? '')),
        ),
        ...(weighted ? ['sync_group_tracking_weight'] : []),
      ]),
    ];
  });
}
