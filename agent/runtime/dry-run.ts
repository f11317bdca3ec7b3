/**
 * @module `--dry-run`: what the agent would do to this kernel for a document, printed and not
 * done. The VRRP instances it would run, and the IPVS operations one reconcile round would apply
 * (as ipvsadm command lines), planned against the kernel's table and the services fleetlb owns
 * (`owned.json`, only read). Every real server with checks counts as up, as at a fresh start.
 * Nothing is written: no socket is bound, no state file changes.
 */
import type { DesiredState } from '../../contract/desired-state.js';
import { renderOp } from '../core/ipvs/ipvsadm-text.js';
import { IpvsUnavailableError } from '../linux/ipvs/ipvs-error.js';
import { NetlinkIpvsClient } from '../linux/ipvs/netlink-ipvs-client.js';
import { desiredTable } from './director-agent.js';
import { IpvsReconciler } from './ipvs-reconciler.js';

/** Prints the plan through `out`; resolves to the exit code (1 when it could not run here). */
export async function dryRun(
  document: DesiredState,
  stateDir: string,
  out: (line: string) => void,
): Promise<number> {
  out(
    `# fleetlb-agent --dry-run: site ${document.site}, director ${document.director.name}, revision ${document.revision}`,
  );
  for (const v of document.vrrpInstances) {
    const vips = v.vips.map((vip) => vip.address).join(' ');
    const mode = v.unicastPeers.length > 0 ? `unicast to ${v.unicastPeers.join(' ')}` : 'multicast';
    out(
      `vrrp ${v.name}: VRRPv${v.version} vrid ${v.vrid} on ${v.interface}, priority ${v.priority}, ` +
        `advert ${v.advertIntervalCs} cs, ${mode}; VIPs ${vips}`,
    );
  }
  let client: NetlinkIpvsClient;
  try {
    client = await NetlinkIpvsClient.open();
  } catch (error) {
    if (!(error instanceof IpvsUnavailableError)) throw error;
    out(`# IPVS unavailable: ${error.message}`);
    if (document.virtualServers.length === 0) return 0;
    out(
      `# this document has ${document.virtualServers.length} virtual server(s): it cannot run here`,
    );
    return 1;
  }
  try {
    const reconciler = new IpvsReconciler(
      client,
      { stateDir },
      {
        onRound: () => undefined,
        onError: (error) => out(`# ${stateDir}/owned.json: ${error.message}`),
      },
    );
    await reconciler.start();
    const plan = await reconciler.preview(desiredTable(document, () => undefined));
    for (const conflict of plan.conflicts) out(`# conflict: ${JSON.stringify(conflict)}`);
    for (const op of plan.ops) out(`ipvsadm ${renderOp(op)}`);
    if (plan.deferred.length > 0)
      out(`# ${plan.deferred.length} destructive operation(s) deferred to later rounds`);
    out(`# ${plan.ops.length} IPVS operation(s)`);
    return 0;
  } finally {
    client.close();
  }
}
