/** @module keepalived.conf interpretation: the node tree into the typed model, plus the one-call parser. */
import type { KeepalivedDiagnostic } from './diagnostics.js';
import { type ConfigNode, parseBlocks, type ParseBlocksOptions } from './parse-blocks.js';
import { type Ctx, type Handler, ignored, walk } from './interpret-context.js';
import { interpretTrackFile } from './interpret-track-file.js';
import {
  emptyGlobalDefs,
  interpretGlobalDefs,
  interpretSyncGroup,
  interpretVrrpScript,
} from './interpret-global.js';
import { interpretVrrpInstance } from './interpret-vrrp.js';
import { interpretVirtualServer, interpretVirtualServerGroup } from './interpret-lvs.js';
import type { KeepalivedConfig } from './model.js';

export interface KeepalivedParseResult {
  config: KeepalivedConfig;
  diagnostics: KeepalivedDiagnostic[];
}

const unsupported = ignored<Top>('is not supported by fleetlb');

/** Global `vrrp_version` applies wherever global_defs sits, so it is looked up before the walk. */
function globalVrrpVersion(nodes: readonly ConfigNode[]): 2 | 3 | undefined {
  const setting = nodes
    .filter((n) => n.keyword === 'global_defs')
    .flatMap((n) => n.children ?? [])
    .findLast((n) => n.keyword === 'vrrp_version');
  const value = setting?.args[0];
  return value === '2' ? 2 : value === '3' ? 3 : undefined;
}

type Top = KeepalivedConfig & { defaultVersion: 2 | 3 | undefined };

function addTrackFile(n: ConfigNode, k: Top, c: Ctx): void {
  const file = interpretTrackFile(n, c);
  if (file !== undefined) k.trackFiles.push(file);
}

const TOP: Record<string, Handler<Top>> = {
  global_defs: (n, k, c) => interpretGlobalDefs(n, k.globalDefs, c),
  vrrp_script: (n, k, c) => k.vrrpScripts.push(interpretVrrpScript(n, c)),
  vrrp_sync_group: (n, k, c) => k.vrrpSyncGroups.push(interpretSyncGroup(n, c)),
  vrrp_instance: (n, k, c) => k.vrrpInstances.push(interpretVrrpInstance(n, c, k.defaultVersion)),
  virtual_server_group: (n, k, c) => k.virtualServerGroups.push(interpretVirtualServerGroup(n, c)),
  virtual_server: (n, k, c) => {
    const trackFilesDefined = new Set(k.trackFiles.map((f) => f.name));
    const vs = interpretVirtualServer(n, { ...c, trackFilesDefined });
    if (vs !== undefined) k.virtualServers.push(vs);
  },
  track_file: addTrackFile,
  vrrp_track_file: addTrackFile,
  net_namespace: unsupported,
  static_ipaddress: unsupported,
  static_routes: unsupported,
  static_rules: unsupported,
};

/** Interprets a parsed node tree. Unknown keywords are warnings; bad values are errors. */
export function interpretKeepalived(nodes: readonly ConfigNode[]): KeepalivedParseResult {
  const ctx: Ctx = { diagnostics: [] };
  const top: Top = {
    defaultVersion: globalVrrpVersion(nodes),
    globalDefs: emptyGlobalDefs(),
    vrrpScripts: [],
    trackFiles: [],
    vrrpInstances: [],
    vrrpSyncGroups: [],
    virtualServerGroups: [],
    virtualServers: [],
  };
  walk(nodes, TOP, top, ctx, 'the top level');
  const { defaultVersion: _, ...config } = top;
  return { config, diagnostics: ctx.diagnostics };
}

/** Parses and interprets keepalived.conf `text` read from `file`. Never throws. */
export function parseKeepalivedConf(
  text: string,
  file: string,
  options: ParseBlocksOptions = {},
): KeepalivedParseResult {
  const blocks = parseBlocks(text, file, options);
  const typed = interpretKeepalived(blocks.nodes);
  return { config: typed.config, diagnostics: [...blocks.diagnostics, ...typed.diagnostics] };
}
