/** @module Maps a typed keepalived config onto one director's fleetlb desired-state document, validated. */
import type { Issue } from '../common.js';
import { API_VERSION, DesiredState, type DesiredStateInput } from '../desired-state.js';
import { validateDesiredState } from '../validate.js';
import { diagnostic, type KeepalivedDiagnostic, type SourcePosition } from './diagnostics.js';
import type { KeepalivedConfig } from './model.js';
import { lossy, type MapCtx } from './to-desired-helpers.js';
import { mapVirtualServer } from './to-desired-lvs.js';
import { mapVrrpInstance } from './to-desired-vrrp.js';
import { linkLvsSyncDaemon } from './lvs-sync-daemon.js';

export interface ToDesiredStateOptions {
  site: string;
  director: { name: string; address: string };
  revision?: number;
  /** The configuration file, for problems that belong to no block. */
  file?: string;
}

export interface ToDesiredStateResult {
  /** `issues` placed at the keepalived.conf line each comes from (for keepalived-mode messages). */
  errors: KeepalivedDiagnostic[];
  /** The validated document; `undefined` when `issues` is not empty. */
  document?: DesiredState;
  /** What fleetlb cannot express (dropped or approximated), with the keepalived position. */
  warnings: KeepalivedDiagnostic[];
  /** Schema and semantic problems of the mapped document (contract/validate.ts). */
  issues: Issue[];
}

/** Builds the document one director would run for `config`. Never throws. */
export function toDesiredState(
  config: KeepalivedConfig,
  options: ToDesiredStateOptions,
): ToDesiredStateResult {
  const ctx: MapCtx = { warnings: [] };
  for (const group of config.vrrpSyncGroups) {
    if (Object.keys(group.notify).length > 0)
      lossy(ctx, group.at, `vrrp_sync_group ${group.name}: group notify scripts are not supported`);
  }
  const sources: SourceMap = { instances: [], servers: [] };
  const refusals: KeepalivedDiagnostic[] = [];
  const vrrpInstances = config.vrrpInstances.flatMap((v) => {
    const mapped = mapVrrpInstance(v, config, options.director, ctx);
    if (mapped === undefined) return [];
    if (mapped.vips.every((vip) => vip.advertised === false)) {
      // vrrp.c vrrp_complete_instance(): "No VIP specified; at least one is sensible" (runs, a
      // notify-only instance, IPv4) for VRRPv2; "at least one is required" for VRRPv3 (refused).
      if (mapped.version === 3) {
        const why = `${v.name}: no virtual_ipaddress with VRRP version 3: keepalived refuses it too ("No VIP specified; at least one is required"); add a VIP or use version 2`;
        refusals.push(diagnostic('error', v.at, why));
        return [];
      }
      lossy(
        ctx,
        v.at,
        `${v.name}: no virtual_ipaddress: runs as keepalived runs it, a notify-only IPv4 instance (elects and runs its notify scripts, owns no address)`,
      );
    }
    const all = [...v.virtualIpaddress, ...v.virtualIpaddressExcluded];
    const vipAt = mapped.vips.map((m) => all.find((a) => a.address === m.address)?.at ?? v.at);
    sources.instances.push({ at: v.at, children: vipAt });
    return [mapped];
  });
  linkLvsSyncDaemon(config, vrrpInstances, ctx);
  const virtualServers = config.virtualServers.flatMap((v) =>
    mapVirtualServer(v, config, ctx).map((server) => {
      sources.servers.push({ at: v.at, children: v.realServers.map((r) => r.at) });
      return server;
    }),
  );
  const input: DesiredStateInput = {
    apiVersion: API_VERSION,
    kind: 'DirectorConfig',
    site: options.site,
    director: options.director,
    revision: options.revision ?? 0,
    vrrpInstances,
    virtualServers,
  };
  const parsed = DesiredState.safeParse(input);
  const issues: Issue[] = parsed.success
    ? validateDesiredState(parsed.data)
    : parsed.error.issues.map((i) => ({
        path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
        message: i.message,
      }));
  const errors = [...refusals, ...issues.map((i) => placeIssue(i, sources, options.file ?? ''))];
  return parsed.success && errors.length === 0
    ? { document: parsed.data, warnings: ctx.warnings, issues, errors }
    : { warnings: ctx.warnings, issues, errors };
}

/** Where each mapped instance and server (and its VIPs / real servers) came from. */
interface SourceMap {
  instances: { at: SourcePosition; children: SourcePosition[] }[];
  servers: { at: SourcePosition; children: SourcePosition[] }[];
}

/** An issue of the mapped document at the line of the keepalived block it comes from. */
function placeIssue(issue: Issue, sources: SourceMap, file: string): KeepalivedDiagnostic {
  const [list, index, child, childIndex] = issue.path;
  const owner =
    list === 'vrrpInstances'
      ? sources.instances[Number(index)]
      : list === 'virtualServers'
        ? sources.servers[Number(index)]
        : undefined;
  const nested =
    (child === 'vips' || child === 'realServers') && typeof childIndex === 'number'
      ? owner?.children[childIndex]
      : undefined;
  const at = nested ?? owner?.at ?? { file, line: 1, column: 1 };
  const field = issue.path.slice(owner === undefined ? 0 : 2).join('.');
  return diagnostic('error', at, field === '' ? issue.message : `${field}: ${issue.message}`);
}
