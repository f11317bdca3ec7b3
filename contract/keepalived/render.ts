/**
 * @module Exports a director's desired-state document as an equivalent keepalived.conf: the
 * inverse of `toDesiredState`. For a document keepalived can express (the renderer reports no
 * warning), `toDesiredState(parseKeepalivedConf(render(doc)).config, …)` gives back `doc`; what it
 * cannot express is reported as warnings, with the path into the document. Written for keepalived
 * 2.2 (Debian's), checked with `keepalived -t`.
 *
 * Limits (each reported as a warning when a document uses it):
 * - keepalived has no names: virtual and real servers come back named `ADDR-PORT` / `fwmark-N`,
 *   interface tracks `if-IFACE`; descriptions and labels are lost.
 * - Not expressible: virtual-server tracked checks, a virtual server bound to a VRRP instance,
 *   check `rise`, HTTP HEAD, body regexes, TLS verification, quorum 0, v3ChecksumAsV2, IPv6 VIP
 *   labels, per-instance GARP intervals (one global), tracker weights ±254, fractional seconds
 *   for vrrp_script and misc_timeout, DNS types SRV/PTR, values with `"`, `\` or control
 *   characters, script arguments with blanks or quotes, a script check's port, persistence over
 *   31 days, a virtual server without real servers (keepalived ignores it), quorum above the total
 *   real-server weight, nopreempt on an address owner or with a preempt delay, peers without unicast.
 * - Same behaviour, other form: checkDefaults timeout/fall are written into each checker, an
 *   unset checkDefaults.intervalMs becomes delay_loop 5, draining = weight 0, disabled = absent,
 *   sync groups of one instance and trackers keepalived refuses (own interface, weighted trackers
 *   on an address owner) are left out.
 * - Written but not read back by fleetlb's importer: scheduler flags, per-real-server and
 *   sorry-server forwarding, UDP payloads, `ip_family` of fwmark services.
 */
import { scriptSecurityLines } from './render-run-as.js';
import { collectTrackFiles } from './render-track-files.js';
import { renderLvsSyncDaemon } from './lvs-sync-daemon.js';
import type { DesiredState } from '../desired-state.js';
import { collectVrrpScripts } from './render-scripts.js';
import { renderVirtualServer } from './render-lvs.js';
import {
  block,
  type ConfBlock,
  type ConfLine,
  msToSeconds,
  quote,
  type RenderCtx,
  renderLines,
  type RenderWarning,
  warn,
} from './render-text.js';
import { renderSyncGroups, renderVrrpInstance } from './render-vrrp.js';

export type { RenderWarning, RenderWarningKind } from './render-text.js';

export interface KeepalivedRenderResult {
  /** The keepalived.conf text. */
  text: string;
  /** What the text does not carry exactly; empty when it imports back to the same document. */
  warnings: RenderWarning[];
}

/** keepalived has one GARP interval for all instances: the first instance's, with a warning for others. */
function garpInterval(doc: DesiredState, ctx: RenderCtx): string[] {
  const first = doc.vrrpInstances[0]?.garp.intervalMs ?? 0;
  doc.vrrpInstances.forEach((inst, i) => {
    if (inst.garp.intervalMs !== first)
      warn(
        ctx,
        ['vrrpInstances', i, 'garp', 'intervalMs'],
        'unsupported',
        `keepalived has one vrrp_garp_interval for all instances: ${first} ms, not ${inst.garp.intervalMs} ms`,
      );
  });
  return first === 0 ? [] : [`vrrp_garp_interval ${msToSeconds(first)}`];
}

/** One global vrrp_version when every instance agrees; otherwise each instance says its own. */
function sharedVersion(doc: DesiredState): 2 | 3 | undefined {
  const versions = new Set(doc.vrrpInstances.map((i) => i.version));
  return versions.size === 1 ? [...versions][0] : undefined;
}

function globalDefs(doc: DesiredState, version: 2 | 3 | undefined, ctx: RenderCtx): ConfBlock {
  return block('global_defs', [
    `router_id ${quote(doc.director.name)}`,
    ...(version === undefined ? [] : [`vrrp_version ${version}`]),
    ...garpInterval(doc, ctx),
    ...renderLvsSyncDaemon(doc.vrrpInstances),
    ...scriptSecurityLines(doc, ctx),
  ]);
}

/** The text and everything it does not carry exactly. Deterministic: same document, same text. */
export function renderKeepalivedConfWithWarnings(document: DesiredState): KeepalivedRenderResult {
  const ctx: RenderCtx = { warnings: [] };
  const version = sharedVersion(document);
  const scripts = collectVrrpScripts(document.vrrpInstances, ctx);
  const trackFiles = collectTrackFiles(document.vrrpInstances, document.virtualServers, ctx);
  const sections: ConfLine[] = [
    globalDefs(document, version, ctx),
    ...scripts.blocks,
    ...trackFiles.blocks,
    ...document.vrrpInstances.map((inst, i) =>
      renderVrrpInstance(
        inst,
        i,
        { scripts, trackFiles, writeVersion: version === undefined },
        ctx,
      ),
    ),
    ...renderSyncGroups(document.vrrpInstances, ctx),
    ...document.virtualServers.map((vs, i) => renderVirtualServer(vs, i, trackFiles, ctx)),
  ];
  const { site, director, revision } = document;
  const header = [
    `# Generated by fleetlb from site ${site}, director ${director.name} (${director.address}), revision ${revision}.`,
  ];
  const body = sections.map((s) => renderLines([s]).join('\n'));
  return { text: `${[header.join('\n'), ...body].join('\n\n')}\n`, warnings: ctx.warnings };
}

/** The keepalived.conf for `document`; see `renderKeepalivedConfWithWarnings` for what it loses. */
export function renderKeepalivedConf(document: DesiredState): string {
  return renderKeepalivedConfWithWarnings(document).text;
}
