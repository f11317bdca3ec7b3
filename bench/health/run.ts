/**
 * @module The health-check benchmark (`node --import tsx bench/health/run.ts`): checks per second
 * (per wall second and per CPU-second of the prober, i.e. per core) for TCP and HTTP probes against
 * local servers in a child process, then the agent's RSS with services × destinations TCP checks at
 * a 2 s interval. Prints a table, then the JSON on the last line of stdout.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HealthCheck } from '../../contract/health-check.js';
import { measureScale } from './scale.js';
import { measureThroughput } from './throughput.js';
import type { ThroughputResult } from './throughput.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '64' },
    services: { type: 'string', default: '1000' },
    destinations: { type: 'string', default: '10' },
    'interval-ms': { type: 'string', default: '2000' },
    'scale-seconds': { type: 'string', default: '10' },
  },
});

async function startServers() {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./servers.ts', import.meta.url))],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const ports = JSON.parse(line.toString()) as { httpPort: number; tcpPort: number };
  return { ...ports, stop: () => child.stdin.end() };
}

function row(r: ThroughputResult): string {
  const cells = [
    r.check,
    r.concurrency,
    r.probes,
    r.failures,
    r.perWallSecond.toFixed(0),
    r.perCpuSecond.toFixed(0),
  ];
  return cells.map((c) => String(c).padStart(10)).join(' ');
}

const servers = await startServers();
try {
  const target = (port: number) => ({ address: '127.0.0.1', port });
  const durationMs = Number(values.seconds) * 1000;
  const concurrency = Number(values.concurrency);
  const tcp = await measureThroughput(
    'tcp',
    HealthCheck.parse({ type: 'tcp' }),
    target(servers.tcpPort),
    concurrency,
    durationMs,
  );
  const http = await measureThroughput(
    'http',
    HealthCheck.parse({ type: 'http' }),
    target(servers.httpPort),
    concurrency,
    durationMs,
  );
  console.log(
    ['check', 'inflight', 'probes', 'failures', 'per s', 'per cpu-s']
      .map((h) => h.padStart(10))
      .join(' '),
  );
  console.log(row(tcp));
  console.log(row(http));
  const scale = await measureScale(
    Number(values.services),
    Number(values.destinations),
    servers.tcpPort,
    Number(values['interval-ms']),
    Number(values['scale-seconds']) * 1000,
  );
  console.log(
    `\n${scale.checks} TCP checks every ${scale.intervalMs} ms: ${scale.probesPerSecond.toFixed(0)} probes/s ` +
      `(${scale.failures} failed), RSS ${scale.rssBeforeMiB} → peak ${scale.rssPeakMiB} MiB, ` +
      `heap used peak ${scale.heapUsedPeakMiB} MiB`,
  );
  console.log(JSON.stringify({ throughput: [tcp, http], scale }));
} finally {
  servers.stop();
}
