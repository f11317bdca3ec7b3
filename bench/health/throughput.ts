/**
 * @module Closed-loop probe throughput: `concurrency` probes of one check kept in flight for
 * `durationMs`, counting completions and the prober's own CPU time (process.cpuUsage), so the
 * result reads as checks per CPU-second (per core) as well as per wall-clock second.
 */
import { performance } from 'node:perf_hooks';
import { HealthCheck } from '../../contract/health-check.js';
import { runProbe } from '../../agent/health/probe.js';
import type { ProbeTarget } from '../../agent/health/probe-types.js';

/** The checks the closed loop measures, by name: TCP, HTTP status only, HTTP with a body regex. */
export const CLOSED_LOOP_CHECKS = {
  tcp: HealthCheck.parse({ type: 'tcp' }),
  http: HealthCheck.parse({ type: 'http' }),
  'http+body': HealthCheck.parse({ type: 'http', bodyRegex: 'ok' }),
};
export type ClosedLoopCheck = keyof typeof CLOSED_LOOP_CHECKS;

export interface ThroughputResult {
  check: string;
  concurrency: number;
  probes: number;
  failures: number;
  wallS: number;
  cpuS: number;
  perWallSecond: number;
  perCpuSecond: number;
}

export async function measureThroughput(
  name: string,
  spec: HealthCheck,
  target: ProbeTarget,
  concurrency: number,
  durationMs: number,
): Promise<ThroughputResult> {
  let probes = 0;
  let failures = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const r = await runProbe(spec, target, { timeoutMs: 2000 });
      probes++;
      if (!r.ok) failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallS = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu0);
  const cpuS = (used.user + used.system) / 1e6;
  return {
    check: name,
    concurrency,
    probes,
    failures,
    wallS,
    cpuS,
    perWallSecond: probes / wallS,
    perCpuSecond: probes / cpuS,
  };
}
