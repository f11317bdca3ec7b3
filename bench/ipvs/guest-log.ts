/** @module The guest's progress lines on stderr (stamped with its uptime) and the problems its checks found. */
import { readFileSync } from 'node:fs';

const found: string[] = [];

export const log = (message: string): void => {
  const uptime = readFileSync('/proc/uptime', 'utf8').split(' ')[0];
  process.stderr.write(`[guest ${uptime}s] ${message}\n`);
};

/** Records a problem for the results (a FAIL line on the host) and logs it. */
export function flag(problem: string): void {
  found.push(problem);
  log(`PROBLEM: ${problem}`);
}

/** The problems flagged so far. */
export const problems = (): string[] => [...found];
