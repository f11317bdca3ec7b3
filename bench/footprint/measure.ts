/**
 * @module One footprint measurement: start an implementation in the lab host with a
 * keepalived.conf, sample its process tree every 500 ms for `seconds`, stop it. Reports the RSS
 * at the end and at its peak, the processes at the end, and over the last `windowSeconds` its
 * CPU time and how many connections the check target accepted (so checks per CPU-second).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { processTree, sumCpuS, sumRssMiB } from './process-tree.js';

export interface Measurement {
  /** RSS of the whole tree at the end of the run. */
  rssEndMiB: number;
  rssPeakMiB: number;
  /** Peak over the measured window only (at scale: the checks running, start-up behind). */
  rssWindowPeakMiB: number;
  processes: Array<{ command: string; rssMiB: number }>;
  /** Over the measured window: tree CPU seconds, connections accepted by the target. */
  windowS: number;
  cpuS: number;
  accepted: number;
}

export interface MeasureOptions {
  seconds: number;
  /** The last part of the run over which CPU and accepted connections are counted. */
  windowSeconds: number;
  /** Connections the target accepted so far. */
  accepted: () => Promise<number>;
}

const round = (n: number): number => Math.round(n * 10) / 10;

/** Processes are named by their program and first argument, paths shortened to the file name. */
function name(command: string): string {
  return command
    .split(' ')
    .slice(0, 2)
    .map((part) => part.split('/').pop())
    .join(' ');
}

export async function measure(child: ChildProcess, o: MeasureOptions): Promise<Measurement> {
  const pid = child.pid;
  if (pid === undefined) throw new Error('the process did not start');
  const started = performance.now();
  const windowStartsAt = started + (o.seconds - o.windowSeconds) * 1000;
  let peak = 0;
  let windowPeak = 0;
  let cpu0: number | undefined;
  let accepted0 = 0;
  let tree = processTree(pid);
  while (performance.now() - started < o.seconds * 1000) {
    await sleep(500);
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`exited early (${child.exitCode ?? child.signalCode})`);
    tree = processTree(pid);
    peak = Math.max(peak, sumRssMiB(tree));
    if (cpu0 !== undefined) windowPeak = Math.max(windowPeak, sumRssMiB(tree));
    if (cpu0 === undefined && performance.now() >= windowStartsAt) {
      cpu0 = sumCpuS(tree);
      accepted0 = await o.accepted();
    }
  }
  const cpuS = sumCpuS(tree) - (cpu0 ?? 0);
  const accepted = (await o.accepted()) - accepted0;
  return {
    rssEndMiB: round(sumRssMiB(tree)),
    rssPeakMiB: round(peak),
    rssWindowPeakMiB: round(windowPeak),
    processes: tree.map((p) => ({ command: name(p.command), rssMiB: round(p.rssKiB / 1024) })),
    windowS: o.windowSeconds,
    cpuS: round(cpuS * 100) / 100,
    accepted,
  };
}

/** SIGTERM, then SIGKILL to what is left of the tree after 10 s. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const tree = child.pid === undefined ? [] : processTree(child.pid);
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const p of tree) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
  await sleep(500); // children (guard, keepalived's VRRP child) finish their exit
}
