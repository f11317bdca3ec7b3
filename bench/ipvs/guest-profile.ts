/** @module The guest's CPU profile: one extra programming run and one extra no-op reconcile under V8's sampling profiler, summarized by report-profile.ts. */
import { Session } from 'node:inspector/promises';
import { NetlinkIpvsClient } from '../../agent/linux/ipvs/netlink-ipvs-client.js';
import { plan } from '../../agent/core/ipvs/plan.js';
import { serviceKey, type DesiredService, type IpvsTable } from '../../agent/core/ipvs/model.js';
import { resetIpvs } from './guest-ipvsadm.js';
import { planOptions, programOurs } from './guest-ours.js';
import { summarizeProfile } from './report-profile.js';
import type { ProfileSummary } from './types.js';

const REPO_ROOT = process.cwd();

/** CPU profile (V8 sampling) of one extra programming run and one no-op reconcile. */
export async function profileRuns(
  desired: IpvsTable<DesiredService>,
  window: number,
): Promise<{ program: ProfileSummary; reconcile: ProfileSummary }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // 1 ms: TCG runs JS about 10× slower, so this is like 100 μs on hardware, and a finer
  // interval slowed the profiled run several times over.
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  const profiled = async (fn: () => Promise<unknown>): Promise<ProfileSummary> => {
    await session.post('Profiler.start');
    await fn();
    const { profile } = await session.post('Profiler.stop');
    return summarizeProfile(profile, REPO_ROOT);
  };
  try {
    resetIpvs();
    const program = await profiled(() => programOurs(desired, window));
    const client = await NetlinkIpvsClient.open();
    const owned = planOptions(desired.services.map(serviceKey));
    const reconcile = await profiled(async () =>
      plan(await client.list({ stats: false }), desired, owned),
    );
    client.close();
    return { program, reconcile };
  } finally {
    session.disconnect();
  }
}
