/**
 * @module The IPVS dataplane benchmark (`npm run bench:ipvs`; see bench/README.md): boots ONE
 * Debian VM (qemu TCG, test/support/vm/qemu.ts) and runs guest.ts in it, which programs,
 * changes and reconciles a synthetic table (table.ts) with our netlink client and with ipvsadm
 * in turn. Progress goes to stderr (the guest's, live); the table, the target lines and, on its
 * last line, the JSON go to stdout (or the JSON to --json FILE). Exits 0 when it completes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cacheDir, repoRoot } from '../../test/support/vm/kernel.js';
import { machineBusyCores, machineCpu } from '../control-plane/report.js';
import { consoleTail, runInVm, vmPrerequisite, type VmResult } from '../../test/support/vm/qemu.js';
import { rounded } from './format.js';
import { profileText } from './report-profile.js';
import { rowsOf } from './report-rows.js';
import { table } from './report-table.js';
import { targetsOf } from './report-targets.js';
import type { GuestConfig, GuestResults } from './types.js';
import { MAX_SERVICES } from './table.js';

const USAGE = `usage: npm run bench:ipvs -- [--trials 5] [--services 1000] [--destinations 10]
        [--cpus 1] [--samples 200] [--windows 1,16,64,256] [--list-sockets 1,4,8]
        [--limit 10] [--no-profile] [--json FILE]

  --trials R        runs of each programming and no-op reconcile measurement (IPVS emptied
                    and its modules reloaded before every programming run)
  --services N      virtual services (IPv4 TCP, wlc), at most ${MAX_SERVICES}
  --destinations M  real servers per service (NAT); N × M distinct real servers in all
  --cpus C          guest vCPUs (qemu TCG, multi-threaded)
  --samples S       single weight changes timed, ours and ipvsadm -e each
  --windows         applyWindow values tried once each; the fastest is used for the R runs
  --list-sockets    listSockets values of the no-op reconcile (the target is judged at 4)
  --limit MIN       hard limit: the VM is killed after this many minutes
  --no-profile      skip the CPU profile of one extra programming run and one reconcile
  --json FILE       write the JSON results to FILE instead of stdout's last line
`;

class UsageError extends Error {}

const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

const FLAGS = {
  trials: { type: 'string', default: '5' },
  services: { type: 'string', default: '1000' },
  destinations: { type: 'string', default: '10' },
  cpus: { type: 'string', default: '1' },
  samples: { type: 'string', default: '200' },
  windows: { type: 'string', default: '1,16,64,256' },
  'list-sockets': { type: 'string', default: '1,4,8' },
  limit: { type: 'string', default: '10' },
  'no-profile': { type: 'boolean', default: false },
  json: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function integer(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${flag}: an integer from ${min} to ${max}, not ${value}`);
  }
  return n;
}

function integers(value: string, flag: string, min: number, max: number): number[] {
  const list = value.split(',').map((v) => integer(v.trim(), flag, min, max));
  return [...new Set(list)];
}

interface Options {
  guest: GuestConfig;
  cpus: number;
  limitMs: number;
  json: string | undefined;
}

function options(): Options | undefined {
  let values;
  try {
    values = parseArgs({ options: FLAGS }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return undefined;
  const guest: GuestConfig = {
    trials: integer(values.trials, 'trials', 1, 100),
    services: integer(values.services, 'services', 1, MAX_SERVICES),
    destinations: integer(values.destinations, 'destinations', 0, 1000),
    samples: integer(values.samples, 'samples', 1, 10_000),
    windows: integers(values.windows, 'windows', 1, 4096),
    listSockets: integers(values['list-sockets'], 'list-sockets', 1, 64),
    profile: !values['no-profile'],
  };
  return {
    guest,
    cpus: integer(values.cpus, 'cpus', 1, cpus().length),
    limitMs: integer(values.limit, 'limit', 1, 120) * 60_000,
    json: values.json,
  };
}

/** Host facts: the CPU qemu emulates on, and qemu itself. */
type HostFacts = { cpuModel: string; cpus: number; qemu: string; busyCores?: number };

function hostFacts(): HostFacts {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown';
  const qemu = spawnSync('qemu-system-x86_64', ['--version'], { encoding: 'utf8' });
  return { cpuModel: model, cpus: cpus().length, qemu: qemu.stdout.split('\n')[0] ?? '' };
}

/**
 * Copies the guest's stderr (in this run's results share, .cache/vm/runs/<stamp>-<pid>-<id>)
 * to ours while the VM runs. Returns the function that stops it.
 */
function followGuestStderr(): () => void {
  const runs = join(cacheDir, 'runs');
  let offset = 0;
  let file: string | undefined;
  const poll = (): void => {
    if (file === undefined && existsSync(runs)) {
      const mine = readdirSync(runs).filter((d) => d.includes(`-${process.pid}-`));
      const dir = mine.sort().at(-1);
      if (dir !== undefined) file = join(runs, dir, 'share', 'stderr');
    }
    if (file === undefined || !existsSync(file) || statSync(file).size <= offset) return;
    const text = readFileSync(file).subarray(offset);
    const end = text.lastIndexOf(10) + 1;
    offset += end;
    process.stderr.write(text.subarray(0, end));
  };
  const timer = setInterval(poll, 1000);
  return () => {
    clearInterval(timer);
    poll();
  };
}

/** The guest's results, or an error with its stderr and the console tail. */
function guestResults(vm: VmResult, limitMs: number): GuestResults {
  const path = join(vm.resultsDir, 'ipvs-bench.json');
  if (vm.exitCode === 0 && existsSync(path)) {
    return JSON.parse(readFileSync(path, 'utf8')) as GuestResults;
  }
  const why = vm.timedOut
    ? `the VM was killed at the hard limit of ${limitMs / 60_000} min`
    : vm.exitCode === null
      ? 'the guest stopped without an exit status'
      : `the guest exited ${vm.exitCode}${existsSync(path) ? '' : ' without results'}`;
  const stderr = vm.stderr.trimEnd().split('\n').slice(-20).join('\n');
  throw new Error(`${why}\n--- guest stderr ---\n${stderr}\n--- console ---\n${consoleTail(vm)}`);
}

function banner(r: GuestResults, host: HostFacts, vm: VmResult): string {
  const f = r.facts;
  const c = r.config;
  return [
    `IPVS dataplane: ${c.services.toLocaleString('en-US')} services × ${c.destinations} destinations ` +
      `(${(c.services * c.destinations).toLocaleString('en-US')}), ${c.trials} trials, ${c.samples} weight changes`,
    'EMULATED GUEST: qemu TCG (no KVM on this host). Absolute times are several times slower than on',
    'hardware; ours against ipvsadm in the same guest, at the same time, is the fair comparison.',
    `host CPU: ${host.cpuModel} (${host.cpus} cores), ${host.qemu}; host ` +
      `${(host.busyCores ?? NaN).toFixed(2)} cores busy on average (this VM ≈ 1; more is other work)`,
    `guest: ${f.cpus} vCPU (${f.cpuModel}), kernel ${f.kernel}, IPVS ${f.ipvsVersion}, ` +
      `${f.ipvsadm}, node ${f.node}, clocksource ${f.clocksource}`,
    `VM: command started ${((vm.bootMs ?? NaN) / 1000).toFixed(1)} s after qemu, ran ` +
      `${(vm.totalMs / 1000).toFixed(0)} s in all; guest measurements ${r.durationS.toFixed(0)} s; ` +
      `modules reloaded between programming runs: ${f.moduleReload ? 'yes' : 'NO'}`,
  ].join('\n');
}

/**
 * The controller that kills the VM: on SIGINT/SIGTERM, and (backstop: runInVm already kills
 * qemu at the limit) a minute past the hard limit, when this process exits too.
 */
function vmKiller(limitMs: number): AbortController {
  const abort = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: killing the VM`);
      abort.abort();
      process.exitCode = 130;
    });
  }
  setTimeout(() => {
    log('hard limit passed and the VM run did not end: exiting');
    abort.abort();
    process.exit(1);
  }, limitMs + 60_000).unref();
  return abort;
}

async function main(): Promise<void> {
  const opts = options();
  if (!opts) return void process.stdout.write(USAGE);
  const missing = vmPrerequisite(['ipvsadm', 'ipvsadm-restore', 'modprobe']);
  if (missing) throw new Error(`cannot boot the VM: ${missing}`);
  const host = hostFacts();
  const started = new Date();
  const cpu = machineCpu();
  const { guest } = opts;
  log(
    `booting one VM (${opts.cpus} vCPU, TCG): ${guest.services} services × ${guest.destinations} ` +
      `destinations, ${guest.trials} trials; hard limit ${opts.limitMs / 60_000} min`,
  );
  const abort = vmKiller(opts.limitMs);
  const stopFollowing = followGuestStderr();
  const vm = await runInVm({
    command: ['node', '--expose-gc', '--import', 'tsx', 'bench/ipvs/guest.ts'],
    cwd: repoRoot,
    env: { FLEETLB_BENCH_IPVS: JSON.stringify(guest) },
    timeoutMs: opts.limitMs,
    memoryMiB: 2048,
    cpus: opts.cpus,
    signal: abort.signal,
  }).finally(stopFollowing);
  if (abort.signal.aborted) return;
  const results = guestResults(vm, opts.limitMs);
  print(results, { ...host, busyCores: machineBusyCores(cpu) }, vm, opts, started);
}

function print(r: GuestResults, host: HostFacts, vm: VmResult, opts: Options, started: Date): void {
  const targets = targetsOf(r);
  const out: string[] = [banner(r, host, vm), '', table(rowsOf(r)), ''];
  for (const t of targets) out.push(`${t.pass ? 'PASS' : 'FAIL'}  ${t.text}`);
  if (r.profile) {
    out.push('', 'Where our time goes (V8 CPU profile of one extra run each; kernel time is in');
    out.push('the native send/recv frames and "(program)"):');
    out.push(profileText('programming from empty', r.profile.program));
    out.push(profileText('no-op reconcile (list + plan)', r.profile.reconcile));
  }
  process.stdout.write(`\n${out.join('\n')}\n\n`);
  const json = JSON.stringify(
    rounded({
      benchmark: 'ipvs',
      startedAt: started.toISOString(),
      durationS: (Date.now() - started.getTime()) / 1000,
      emulated: 'qemu TCG, no KVM: absolute times several times slower than hardware',
      host,
      vm: { cpus: opts.cpus, bootMs: vm.bootMs, totalMs: vm.totalMs, kernel: vm.kernelRelease },
      targets,
      results: r,
    }),
  );
  if (opts.json) {
    writeFileSync(opts.json, `${json}\n`);
    log(`JSON written to ${opts.json}`);
  } else process.stdout.write(`${json}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
