/** @module Guest side of `npm run bench:ipvs`, run INSIDE the VM by run.ts: programs, changes and reconciles a synthetic IPVS table with our netlink client and with ipvsadm in turn (guest-program.ts, guest-weight.ts, guest-reconcile.ts, guest-memory.ts, guest-profile.ts), and writes the samples to $FLEETLB_VM_RESULTS/ipvs-bench.json (progress on stderr). */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { NetlinkIpvsClient } from '../../agent/linux/ipvs/netlink-ipvs-client.js';
import { buildTable } from './table.js';
import { log, problems } from './guest-log.js';
import { modulesReloaded, resetIpvs, run } from './guest-ipvsadm.js';
import { programOurs } from './guest-ours.js';
import { measureProgramming } from './guest-program.js';
import { measureWeightChanges } from './guest-weight.js';
import { measureReconcile } from './guest-reconcile.js';
import { measureMemory, memory } from './guest-memory.js';
import { profileRuns } from './guest-profile.js';
import type { GuestConfig, GuestFacts, GuestResults } from './types.js';

const RESULTS_DIR = process.env.FLEETLB_VM_RESULTS ?? '/tmp';

/** The guest's CPUs, kernel, node, ipvsadm and IPVS versions, and clock source. */
async function facts(): Promise<GuestFacts> {
  const client = await NetlinkIpvsClient.open();
  const info = client.info;
  client.close();
  const clocksource = '/sys/devices/system/clocksource/clocksource0/current_clocksource';
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    kernel: run(['uname', '-r']).trim(),
    node: process.version,
    ipvsadm: run(['ipvsadm', '--version']).trim(),
    ipvsVersion: info.version,
    connectionTableSize: info.connectionTableSize,
    clocksource: readFileSync(clocksource, 'utf8').trim(),
    moduleReload: modulesReloaded(),
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const configText = process.env.FLEETLB_BENCH_IPVS;
  if (configText === undefined) throw new Error('run by bench/ipvs/run.ts, inside the VM');
  const config = JSON.parse(configText) as GuestConfig;
  const start = memory();
  run(['modprobe', '-a', 'ip_vs', 'ip_vs_wlc']);
  run(['ipvsadm', '-C']);
  const guestFacts = await facts();
  log(`${guestFacts.cpus} vCPU, kernel ${guestFacts.kernel}, IPVS ${guestFacts.ipvsVersion}`);
  const desired = buildTable(config.services, config.destinations);
  const program = await measureProgramming(desired, config);
  resetIpvs();
  await programOurs(desired, program.window);
  const weight = await measureWeightChanges(desired, config.samples);
  const reconcile = await measureReconcile(desired, config);
  const mem = await measureMemory(start);
  const profile = config.profile ? await profileRuns(desired, program.window) : undefined;
  run(['ipvsadm', '-C']);
  const results: GuestResults = {
    config,
    facts: { ...guestFacts, moduleReload: modulesReloaded() },
    program,
    weight,
    reconcile,
    memory: mem,
    profile,
    problems: problems(),
    durationS: (performance.now() - started) / 1000,
  };
  writeFileSync(join(RESULTS_DIR, 'ipvs-bench.json'), `${JSON.stringify(results)}\n`);
  log(`done in ${results.durationS.toFixed(0)} s`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
