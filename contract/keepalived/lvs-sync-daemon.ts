/**
 * @module keepalived's `lvs_sync_daemon <INTERFACE> <VRRP_INSTANCE> [id <SYNC_ID>] [maxlen <LEN>]
 * [port <PORT>] [ttl <TTL>] [group <IP ADDR>]` (global_defs) onto the named instance's `ipvsSync`.
 * Read as keepalived/core/global_parser.c `lvs_syncd_handler()` reads it: a bare number after the
 * instance is the sync id (the syntax before `id`); a bad option value is reported and ignored;
 * the sync id defaults to the instance's VRID (vrrp_parser.c), which is also fleetlb's default.
 * An instance that does not exist clears the setting, as keepalived does ("Unable to find vrrp
 * instance … clearing lvs_syncd config"); here that is a warning.
 */
import type { z } from 'zod';
import { isMulticastGroup, SYNC_MAX_LENGTH_BYTES, type IpvsSync } from '../ipvs-sync.js';
import type { DirectorVrrpInstance } from '../vrrp-instance.js';
import type { KeepalivedConfig } from './model.js';
import { lossy, toName, type MapCtx } from './to-desired-helpers.js';

type InstanceInput = z.input<typeof DirectorVrrpInstance>;

/** keepalived's bounds per option (global_parser.c `read_unsigned_strvec` calls). */
const OPTIONS: Record<string, { field: keyof IpvsSync; min: number; max: number }> = {
  id: { field: 'syncId', min: 0, max: 255 },
  maxlen: { field: 'maxLengthBytes', min: 1, max: 65535 - 20 - 8 },
  port: { field: 'port', min: 1, max: 65535 },
  ttl: { field: 'ttl', min: 1, max: 255 },
};

/** Sets `ipvsSync` on the mapped instance `lvs_sync_daemon` names, if any (warnings otherwise). */
export function linkLvsSyncDaemon(
  config: KeepalivedConfig,
  instances: InstanceInput[],
  ctx: MapCtx,
): void {
  const args = config.globalDefs.lvsSyncDaemon;
  const at = config.globalDefs.lvsSyncDaemonAt;
  if (args === undefined || at === undefined) return;
  const [ifname, instanceName] = args;
  if (ifname === undefined || instanceName === undefined) {
    lossy(ctx, at, 'lvs_sync_daemon needs an interface and a VRRP instance; ignored');
    return;
  }
  const source = config.vrrpInstances.find((v) => v.name === instanceName);
  const name = source && toName(source.name, `vrid-${source.virtualRouterId}`);
  const target = instances.find((i) => i.name === name);
  if (target === undefined) {
    lossy(ctx, at, `lvs_sync_daemon: no VRRP instance ${instanceName}; connection sync is off`);
    return;
  }
  const sync: Partial<Record<keyof IpvsSync, string | number>> = { interface: ifname };
  let i = 2;
  if (/^\d/.test(args[2] ?? '')) {
    lossy(ctx, at, 'lvs_sync_daemon: a bare sync id is the old syntax; read as `id`');
    readOption('id', args[2], sync, ctx, at);
    i = 3;
  }
  for (; i < args.length; i += 2) {
    const option = args[i]!;
    const value = args[i + 1];
    if (option === 'group') {
      if (value !== undefined && isMulticastGroup(value)) sync.group = value;
      else lossy(ctx, at, `lvs_sync_daemon: group ${value ?? '(none)'} is not multicast; ignored`);
    } else if (option in OPTIONS) readOption(option, value, sync, ctx, at);
    else {
      lossy(ctx, at, `lvs_sync_daemon: unknown option ${option}; ignored`);
      i -= 1; // keepalived skips the word only
    }
  }
  target.ipvsSync = sync as IpvsSync;
}

function readOption(
  option: string,
  value: string | undefined,
  sync: Partial<Record<keyof IpvsSync, string | number>>,
  ctx: MapCtx,
  at: NonNullable<KeepalivedConfig['globalDefs']['lvsSyncDaemonAt']>,
): void {
  const { field, min, max } = OPTIONS[option]!;
  const n = value !== undefined && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) {
    lossy(ctx, at, `lvs_sync_daemon: ${option} ${value ?? '(none)'} is invalid; ignored`);
    return;
  }
  if (field === 'maxLengthBytes') {
    // The kernel clamps sync_maxlen into the range the contract allows (ip_vs_sync.c
    // start_sync_thread); say so rather than refuse what keepalived accepts.
    const clamped = Math.min(SYNC_MAX_LENGTH_BYTES.max, Math.max(SYNC_MAX_LENGTH_BYTES.min, n));
    if (clamped !== n)
      lossy(ctx, at, `lvs_sync_daemon: maxlen ${n} becomes ${clamped} (the kernel's range)`);
    sync[field] = clamped;
    return;
  }
  sync[field] = n;
}

/** The `lvs_sync_daemon` line of global_defs for the instance with `ipvsSync`, if any. */
export function renderLvsSyncDaemon(
  instances: readonly Pick<DirectorVrrpInstance, 'name' | 'ipvsSync'>[],
): string[] {
  const linked = instances.find((i) => i.ipvsSync !== undefined);
  const sync = linked?.ipvsSync;
  if (!linked || !sync) return [];
  const options: [string, string | number | undefined][] = [
    ['id', sync.syncId],
    ['maxlen', sync.maxLengthBytes],
    ['port', sync.port],
    ['ttl', sync.ttl],
    ['group', sync.group],
  ];
  const words = options.flatMap(([k, v]) => (v === undefined ? [] : [k, String(v)]));
  return [['lvs_sync_daemon', sync.interface, linked.name, ...words].join(' ')];
}
