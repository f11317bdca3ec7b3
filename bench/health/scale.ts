/**
 * @module The agent's memory with a large check set: a HealthRunner with `services` virtual servers
 * × `destinations` real servers, one TCP check each at `intervalMs`, probing a real local server,
 * sampled for RSS and heap over `durationMs` after one warm-up interval; then the live heap after a
 * full GC (when the process runs with --expose-gc). run.ts runs it in a fresh process
 * (scale-process.ts), so no other run's garbage counts.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DirectorVirtualServer } from '../../contract/virtual-server.js';
import { HealthRunner } from '../../agent/health/runner.js';

export interface ScaleResult {
  checks: number;
  intervalMs: number;
  probes: number;
  failures: number;
  probesPerSecond: number;
  /** The prober's CPU over the steady window, in % of one core. */
  cpuPercent: number;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  heapUsedPeakMiB: number;
  /** Heap in use after a full GC at the end: what the checks really hold (null without gc). */
  heapLiveMiB: number | null;
}

const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

function documentOf(services: number, destinations: number, port: number, intervalMs: number) {
  return Array.from({ length: services }, (_, s) =>
    DirectorVirtualServer.parse({
      name: `vs${s}`,
      family: 'ipv4',
      address: `10.${(s >> 8) & 255}.${s & 255}.1`,
      port: 80,
      protocol: 'tcp',
      checkDefaults: { intervalMs, timeoutMs: 1000, rise: 2, fall: 3 },
      realServers: Array.from({ length: destinations }, (_, d) => ({
        name: `rs${d}`,
        address: '127.0.0.1',
        port,
        checks: [{ type: 'tcp' }],
      })),
    }),
  );
}

export async function measureScale(
  services: number,
  destinations: number,
  port: number,
  intervalMs: number,
  durationMs: number,
): Promise<ScaleResult> {
  const rssBefore = process.memoryUsage().rss;
  let probes = 0;
  let failures = 0;
  const runner = new HealthRunner({
    onChange: () => undefined,
    onResult: (e) => {
      probes++;
      if (!e.result.ok) failures++;
    },
    maxConcurrent: 256,
  });
  runner.update(documentOf(services, destinations, port, intervalMs));
  runner.start();
  await sleep(intervalMs);
  const counted0 = probes;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let rssPeak = 0;
  let heapPeak = 0;
  for (let waited = 0; waited < durationMs; waited += 250) {
    await sleep(250);
    const m = process.memoryUsage();
    rssPeak = Math.max(rssPeak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
  }
  const counted = probes - counted0;
  const cpu = process.cpuUsage(cpu0);
  const cpuPercent = ((cpu.user + cpu.system) / 1000 / (performance.now() - wall0)) * 100;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapLive = gc === undefined ? null : process.memoryUsage().heapUsed;
  await runner.stop();
  return {
    checks: services * destinations,
    intervalMs,
    probes: counted,
    failures,
    probesPerSecond: counted / (durationMs / 1000),
    cpuPercent: Math.round(cpuPercent * 10) / 10,
    rssBeforeMiB: mib(rssBefore),
    rssPeakMiB: mib(rssPeak),
    heapUsedPeakMiB: mib(heapPeak),
    heapLiveMiB: heapLive === null ? null : mib(heapLive),
  };
}
