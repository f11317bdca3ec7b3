/** @module Measurement 3 in the guest: the full no-op reconcile (list + plan) of the loaded table, ours per `listSockets`, against a full dump by `ipvsadm -Sn`. */
import { NetlinkIpvsClient } from '../../agent/linux/ipvs/netlink-ipvs-client.js';
import type { IpvsListing } from '../../agent/linux/ipvs/ipvs-client.js';
import { plan } from '../../agent/core/ipvs/plan.js';
import { serviceKey, type DesiredService, type IpvsTable } from '../../agent/core/ipvs/model.js';
import { flag, log } from './guest-log.js';
import { timeCommand } from './guest-ipvsadm.js';
import { planOptions, timeOurs } from './guest-ours.js';
import { median } from './stats.js';
import type { Cost, GuestConfig, ReconcileResults, ReconcileRun } from './types.js';

/** The table in the listing, in numbers; a problem when it is not the desired one. */
function checkListing(listing: IpvsListing, config: GuestConfig): number {
  const destinations = listing.services.reduce((n, s) => n + s.destinations.length, 0);
  if (listing.services.length !== config.services) {
    flag(`list: ${listing.services.length} services, not ${config.services}`);
  }
  if (destinations !== config.services * config.destinations) {
    flag(`list: ${destinations} destinations, not ${config.services * config.destinations}`);
  }
  return listing.unreadable.length;
}

/** R no-op reconciles (after one warm-up) with `listSockets` sockets: dump, then plan. */
async function reconcileRuns(
  desired: IpvsTable<DesiredService>,
  config: GuestConfig,
  listSockets: number,
): Promise<ReconcileRun> {
  const client = await NetlinkIpvsClient.open({ listSockets });
  const owned = planOptions(desired.services.map(serviceKey));
  const result: ReconcileRun = { listSockets, dumpMs: [], planMs: [], cost: [], leftovers: [] };
  try {
    checkListing(await client.list({ stats: false }), config);
    for (let i = 0; i < config.trials; i++) {
      let dumpMs = 0;
      const { cost, value } = await timeOurs(async () => {
        const t0 = performance.now();
        const listing = await client.list({ stats: false });
        dumpMs = performance.now() - t0;
        return { listing, plan: plan(listing, desired, owned) };
      });
      const unreadable = checkListing(value.listing, config);
      const leftovers = value.plan.ops.length + value.plan.conflicts.length + unreadable;
      if (leftovers > 0) flag(`no-op reconcile planned ${leftovers} ops/conflicts/unreadable`);
      result.dumpMs.push(dumpMs);
      result.planMs.push(cost.wallMs - dumpMs);
      result.cost.push(cost);
      result.leftovers.push(leftovers);
    }
  } finally {
    client.close();
  }
  log(
    `no-op reconcile, listSockets ${listSockets}: median ${median(result.cost.map((c) => c.wallMs)).toFixed(0)} ms`,
  );
  return result;
}

/** Measurement 3: full no-op reconcile, ours per `listSockets`, against `ipvsadm -Sn`. */
export async function measureReconcile(
  desired: IpvsTable<DesiredService>,
  config: GuestConfig,
): Promise<ReconcileResults> {
  const runs: ReconcileRun[] = [];
  for (const sockets of config.listSockets)
    runs.push(await reconcileRuns(desired, config, sockets));
  const ipvsadmSave: Cost[] = [];
  for (let i = 0; i < config.trials; i++) ipvsadmSave.push(timeCommand(['ipvsadm', '-Sn']));
  log(`ipvsadm -Sn > /dev/null: median ${median(ipvsadmSave.map((c) => c.wallMs)).toFixed(0)} ms`);
  return { runs, ipvsadmSave };
}
