/**
 * @module The health-check benchmark (`node --import tsx bench/health/run.ts`): checks per second
 * (per wall second and per CPU-second of the prober, i.e. per core) for TCP and HTTP probes against
 * local servers in a child process (HTTP twice: a status-only check, which reads the status line
 * alone, and one with a body regex, which goes through node:http), then the agent's RSS with services × destinations TCP checks at
 * a 2 s interval, each in a fresh process (scale-process.ts): built as `npm run build` builds the
 * agent (esbuild, into dist/bench/), with the V8 flags the agent ships with (agent/bin/
 * node-flags.js), with V8's defaults, with --optimize-for-size, and with a small
 * young generation and slow old-generation growth (both trade CPU for memory); and from the
 * sources through tsx. Prints tables, then the JSON on the last line of stdout.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { nodeFlagsFor } from '../../agent/bin/node-flags.js';
import { HealthCheck } from '../../contract/health-check.js';
import type { ScaleResult } from './scale.js';
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

interface ScaleVariant {
  runsFrom: 'build' | 'sources';
  /** V8 flags beyond --expose-gc (every run reports the live heap after a full GC). */
  v8Flags: readonly string[];
}

const SCALE_VARIANTS: readonly ScaleVariant[] = [
  // What the agent runs with (agent/bin/fleetlb-agent.js applies them itself).
  {
    runsFrom: 'build',
    v8Flags: nodeFlagsFor(Number(values.services) * Number(values.destinations)),
  },
  { runsFrom: 'build', v8Flags: [] },
  { runsFrom: 'build', v8Flags: ['--optimize-for-size'] },
  // A 1 MB young generation and an old generation that grows by 20 % past what survived.
  { runsFrom: 'build', v8Flags: ['--max-semi-space-size=1', '--heap-growing-percent=20'] },
  { runsFrom: 'sources', v8Flags: [] },
];

const SCALE_SOURCE = fileURLToPath(new URL('./scale-process.ts', import.meta.url));
const SCALE_BUILT = fileURLToPath(new URL('../../dist/bench/scale-process.mjs', import.meta.url));

/** scale-process.ts bundled with the settings of scripts/build-agent.mjs. */
async function buildScaleProcess(): Promise<void> {
  await build({
    entryPoints: [SCALE_SOURCE],
    outfile: SCALE_BUILT,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
}

async function measureScaleIn(variant: ScaleVariant, args: readonly number[]) {
  const entry = variant.runsFrom === 'build' ? [SCALE_BUILT] : ['--import', 'tsx', SCALE_SOURCE];
  const child = spawn(
    process.execPath,
    ['--expose-gc', ...variant.v8Flags, ...entry, ...args.map(String)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const v8Flags = variant.v8Flags.join(' ') || 'defaults';
  if (code !== 0) throw new Error(`scale run (${variant.runsFrom}, ${v8Flags}) exited ${code}`);
  return { runsFrom: variant.runsFrom, v8Flags, ...(JSON.parse(out) as ScaleResult) };
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
  const httpBody = await measureThroughput(
    'http+body',
    HealthCheck.parse({ type: 'http', bodyRegex: 'ok' }),
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
  console.log(row(httpBody));
  const scaleArgs = [
    Number(values.services),
    Number(values.destinations),
    servers.tcpPort,
    Number(values['interval-ms']),
    Number(values['scale-seconds']) * 1000,
  ];
  await buildScaleProcess();
  const scale = [];
  for (const variant of SCALE_VARIANTS) scale.push(await measureScaleIn(variant, scaleArgs));
  const first = scale[0]!;
  console.log(
    `\n${first.checks} TCP checks every ${first.intervalMs} ms, each run in a fresh process`,
  );
  const scaleHeader = ['runs from', 'V8 flags', 'probes/s', 'failed', 'CPU %', 'RSS start'];
  console.log(
    [...scaleHeader, 'RSS peak', 'heap peak', 'heap live'].map((h) => h.padStart(20)).join(' '),
  );
  for (const r of scale) {
    const cells = [r.runsFrom, r.v8Flags, r.probesPerSecond.toFixed(0), r.failures, r.cpuPercent];
    const mem = [r.rssBeforeMiB, r.rssPeakMiB, r.heapUsedPeakMiB, r.heapLiveMiB ?? '-'];
    console.log(
      [...cells, ...mem.map((m) => `${m} MiB`)].map((c) => String(c).padStart(20)).join(' '),
    );
  }
  console.log(JSON.stringify({ throughput: [tcp, http, httpBody], scale }));
} finally {
  servers.stop();
}
