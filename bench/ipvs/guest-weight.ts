/** @module Measurement 2 in the guest: single weight changes on the loaded table, ours against `ipvsadm -e` (and ipvsadm's process start alone), then a plan back to the desired table. */
import { NetlinkIpvsClient } from '../../agent/linux/ipvs/netlink-ipvs-client.js';
import { plan } from '../../agent/core/ipvs/plan.js';
import { renderOp } from '../../agent/core/ipvs/ipvsadm-text.js';
import { serviceKey, type DesiredService, type IpvsTable } from '../../agent/core/ipvs/model.js';
import type { UpdateDestinationOp } from '../../agent/core/ipvs/operations.js';
import { flag, log } from './guest-log.js';
import { timeCommand } from './guest-ipvsadm.js';
import { planOptions } from './guest-ours.js';
import { median } from './stats.js';
import type { WeightResults } from './types.js';

/** `samples` destinations picked at random (fixed seed), the same for ours and ipvsadm. */
function pickDestinations(desired: IpvsTable<DesiredService>, samples: number) {
  let seed = 0x9e3779b9;
  const random = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return Array.from({ length: samples }, () => {
    const service = desired.services[Math.floor(random() * desired.services.length)]!;
    const destination = service.destinations[Math.floor(random() * service.destinations.length)]!;
    return { service, destination };
  });
}

const weightOp = (
  pick: ReturnType<typeof pickDestinations>[number],
  weight: number,
): UpdateDestinationOp => ({
  type: 'update-destination',
  service: pick.service,
  destination: { ...pick.destination, weight },
  changed: ['weight'],
});

/** Measurement 2: one weight change on the loaded table, ours and `ipvsadm -e`. */
export async function measureWeightChanges(
  desired: IpvsTable<DesiredService>,
  samples: number,
): Promise<WeightResults> {
  const picks = pickDestinations(desired, samples);
  const client = await NetlinkIpvsClient.open();
  const result: WeightResults = {
    ours: [],
    ipvsadm: [],
    ipvsadmStart: [],
    changed: 0,
    restoredOps: 0,
  };
  try {
    for (const pick of picks.slice(0, 5))
      await client.apply(weightOp(pick, pick.destination.weight));
    for (const [k, pick] of picks.entries()) {
      const op = weightOp(pick, 100 + (k % 100));
      const t0 = performance.now();
      await client.apply(op);
      result.ours.push(performance.now() - t0);
    }
    log(`weight change, ours: median ${median(result.ours).toFixed(3)} ms over ${samples}`);
    for (const [k, pick] of picks.entries()) {
      const argv = ['ipvsadm', ...renderOp(weightOp(pick, 200 + (k % 100))).split(' ')];
      result.ipvsadm.push(timeCommand(argv).wallMs);
    }
    for (let i = 0; i < Math.min(samples, 50); i++) {
      result.ipvsadmStart.push(timeCommand(['ipvsadm', '--version']).wallMs);
    }
    log(`weight change, ipvsadm -e: median ${median(result.ipvsadm).toFixed(1)} ms`);
    await restoreWeights(client, desired, picks, result);
  } finally {
    client.close();
  }
  return result;
}

/** Plans back to the desired table: exactly the changed destinations must come back. */
async function restoreWeights(
  client: NetlinkIpvsClient,
  desired: IpvsTable<DesiredService>,
  picks: ReturnType<typeof pickDestinations>,
  result: WeightResults,
): Promise<void> {
  const keys = new Set(picks.map((p) => `${serviceKey(p.service)}|${p.destination.address}`));
  result.changed = keys.size;
  const back = plan(await client.list(), desired, planOptions(desired.services.map(serviceKey)));
  result.restoredOps = back.ops.length;
  if (back.ops.length !== keys.size || back.ops.some((op) => op.type !== 'update-destination')) {
    flag(`weight restore planned ${back.ops.length} ops for ${keys.size} changed destinations`);
  }
  const outcome = await client.applyAll(back.ops);
  if (outcome.failed.length > 0) flag(`weight restore: ${outcome.failed.length} ops failed`);
}
