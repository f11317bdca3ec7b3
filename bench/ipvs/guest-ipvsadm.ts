/** @module The guest's commands: running ipvsadm and friends (timed from spawn to exit, with their CPU), emptying IPVS and reloading its modules, and checking the kernel's table with `ipvsadm -Sn`. */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { renderRules } from '../../agent/core/ipvs/ipvsadm-text.js';
import type { DesiredService, IpvsTable } from '../../agent/core/ipvs/model.js';
import { flag, log } from './guest-log.js';
import type { Cost } from './types.js';

/** `sysconf(_SC_CLK_TCK)` on Linux: /proc/self/stat counts CPU time in 10 ms ticks. */
const TICK_MS = 10;
let moduleReload = true;

/** Whether the modules could be reloaded so far (false after the first failed unload). */
export const modulesReloaded = (): boolean => moduleReload;

/** Runs a command to completion and returns its stdout; throws with its stderr on failure. */
export function run(argv: readonly string[]): string {
  const out = spawnSync(argv[0]!, argv.slice(1), {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 256 << 20,
  });
  if (out.error) throw out.error;
  if (out.status !== 0) {
    throw new Error(`${argv.join(' ')} exited ${out.status}: ${out.stderr.trim()}`);
  }
  return out.stdout;
}

/** CPU ticks of the children this process has waited for (fields 16-17 of /proc/self/stat). */
function childTicks(): { user: number; sys: number } {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[13]), sys: Number(fields[14]) };
}

/** Times a command from spawn to exit, stdin and stdout from/to files; CPU in 10 ms ticks. */
export function timeCommand(
  argv: readonly string[],
  stdin = '/dev/null',
  stdout = '/dev/null',
): Cost {
  const inFd = openSync(stdin, 'r');
  const outFd = openSync(stdout, 'w');
  try {
    const before = childTicks();
    const t0 = performance.now();
    const out = spawnSync(argv[0]!, argv.slice(1), {
      stdio: [inFd, outFd, 'pipe'],
      timeout: 120_000,
    });
    const wallMs = performance.now() - t0;
    const after = childTicks();
    if (out.error) throw out.error;
    if (out.status !== 0) {
      throw new Error(`${argv.join(' ')} exited ${out.status}: ${String(out.stderr).trim()}`);
    }
    return {
      wallMs,
      userMs: (after.user - before.user) * TICK_MS,
      sysMs: (after.sys - before.sys) * TICK_MS,
    };
  } finally {
    closeSync(inFd);
    closeSync(outFd);
  }
}

/**
 * Empties IPVS with `ipvsadm -C`, then reloads the modules: the kernel keeps deleted
 * destinations in a trash list for 1-3 minutes and every NEW_DEST scans that list, so without a
 * reload each run would start from a different kernel state than "empty".
 */
export function resetIpvs(): void {
  run(['ipvsadm', '-C']);
  if (!moduleReload) return;
  try {
    run(['modprobe', '-r', 'ip_vs_wlc', 'ip_vs']);
  } catch (error) {
    moduleReload = false;
    flag(`cannot unload ip_vs, runs start with a warm trash: ${(error as Error).message}`);
  }
  run(['modprobe', '-a', 'ip_vs', 'ip_vs_wlc']);
}

/** Whether `ipvsadm -Sn` shows exactly the desired table. */
export function checkKernelTable(desired: IpvsTable<DesiredService>, who: string): void {
  const saved = run(['ipvsadm', '-Sn']);
  if (saved !== renderRules(desired)) {
    flag(`${who}: ipvsadm -Sn differs from the desired table (${saved.length} bytes)`);
  } else log(`${who}: ipvsadm -Sn shows exactly the desired table`);
}
