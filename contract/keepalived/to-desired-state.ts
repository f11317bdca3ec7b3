/** @module Maps a typed keepalived config onto one director's fleetlb desired-state document, validated. */
import type { Issue } from '../common.js';
import { API_VERSION, DesiredState, type DesiredStateInput } from '../desired-state.js';
import { validateDesiredState } from '../validate.js';
import type { KeepalivedDiagnostic } from './diagnostics.js';
import type { KeepalivedConfig } from './model.js';
import { lossy, type MapCtx } from './to-desired-helpers.js';
import { mapVirtualServer } from './to-desired-lvs.js';
import { mapVrrpInstance } from './to-desired-vrrp.js';

export interface ToDesiredStateOptions {
  site: string;
  director: { name: string; address: string };
  revision?: number;
}

export interface ToDesiredStateResult {
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
  const input: DesiredStateInput = {
    apiVersion: API_VERSION,
    kind: 'DirectorConfig',
    site: options.site,
    director: options.director,
    revision: options.revision ?? 0,
    vrrpInstances: config.vrrpInstances.flatMap((v) => mapVrrpInstance(v, config, ctx) ?? []),
    virtualServers: config.virtualServers.flatMap((v) => mapVirtualServer(v, config, ctx)),
  };
  const parsed = DesiredState.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      message: i.message,
    }));
    return { warnings: ctx.warnings, issues };
  }
  const issues = validateDesiredState(parsed.data);
  return issues.length > 0
    ? { warnings: ctx.warnings, issues }
    : { document: parsed.data, warnings: ctx.warnings, issues };
}
