/**
 * @module A process and its descendants as /proc shows them: RSS (VmRSS, which counts each
 * process's shared pages too, as `ps` and the figures do) and CPU time (utime + stime),
 * summed over the tree. Children come from /proc/PID/task/TID/children (Linux ≥ 3.5).
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface TreeProcess {
  pid: number;
  command: string;
  rssKiB: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
}

const CLOCK_TICKS_PER_S = 100; // sysconf(_SC_CLK_TCK) on Linux

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // gone meanwhile
  }
}

function children(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tasks.flatMap((tid) =>
    (read(`/proc/${pid}/task/${tid}/children`) ?? '').split(' ').filter(Boolean).map(Number),
  );
}

function describe(pid: number): TreeProcess | undefined {
  const status = read(`/proc/${pid}/status`);
  const stat = read(`/proc/${pid}/stat`);
  if (status === undefined || stat === undefined) return undefined;
  const rssKiB = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  // The fields after the command (which may hold spaces) start after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuTicks = Number(fields[11]) + Number(fields[12]);
  const command = (read(`/proc/${pid}/cmdline`) ?? '').split('\0').filter(Boolean).join(' ');
  return { pid, command, rssKiB, cpuTicks };
}

/** `pid` and every descendant that exists now. */
export function processTree(pid: number): TreeProcess[] {
  const out: TreeProcess[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift()!;
    const p = describe(next);
    if (!p) continue;
    out.push(p);
    queue.push(...children(next));
  }
  return out;
}

export const sumRssMiB = (tree: readonly TreeProcess[]): number =>
  tree.reduce((sum, p) => sum + p.rssKiB, 0) / 1024;

export const sumCpuS = (tree: readonly TreeProcess[]): number =>
  tree.reduce((sum, p) => sum + p.cpuTicks, 0) / CLOCK_TICKS_PER_S;
