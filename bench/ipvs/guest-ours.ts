/** @module Our side of the guest's measurements: the planner's options, in-process timing, and one programming run from empty with our netlink client. */
import { NetlinkIpvsClient } from '../../agent/linux/ipvs/netlink-ipvs-client.js';
import { plan } from '../../agent/core/ipvs/plan.js';
import type { PlanOptions } from '../../agent/core/ipvs/plan-types.js';
import type { DesiredService, IpvsTable, ObservedService } from '../../agent/core/ipvs/model.js';
import { flag } from './guest-log.js';
import type { Cost } from './types.js';

export const EMPTY: IpvsTable<ObservedService> = { services: [] };

/** Plans owning exactly `owned`, adopting nothing, draining nothing, no destructive limit. */
export const planOptions = (owned: Iterable<string>): PlanOptions => ({
  owned: new Set(owned),
  adopt: false,
  drain: false,
  now: 0,
  drainingSince: new Map(),
  maxDestructive: Infinity,
});

/** Times our code in this process: wall clock and `process.cpuUsage` (μs resolution). */
export async function timeOurs<T>(fn: () => Promise<T>): Promise<{ cost: Cost; value: T }> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return { value, cost: { wallMs, userMs: used.user / 1000, sysMs: used.system / 1000 } };
}

/** Our programming from empty: `plan(empty, desired)` + `applyAll(ops)`, timed together. */
export async function programOurs(
  desired: IpvsTable<DesiredService>,
  applyWindow: number,
): Promise<{ cost: Cost; planMs: number }> {
  const client = await NetlinkIpvsClient.open({ applyWindow });
  try {
    let planMs = 0;
    const { cost, value } = await timeOurs(async () => {
      const t0 = performance.now();
      const { ops } = plan(EMPTY, desired, planOptions([]));
      planMs = performance.now() - t0;
      return { outcome: await client.applyAll(ops), ops: ops.length };
    });
    const { outcome, ops } = value;
    if (outcome.failed.length > 0 || outcome.applied !== ops) {
      const first = outcome.failed[0]?.error.message ?? '';
      flag(`ours: ${outcome.applied}/${ops} ops applied, ${outcome.failed.length} failed ${first}`);
    }
    return { cost, planMs };
  } finally {
    client.close();
  }
}
