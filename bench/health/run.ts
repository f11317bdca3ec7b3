/**
 * @module The health-check benchmark (`node --import tsx bench/health/run.ts`): checks per second
 * (per wall second and per CPU-second of the prober, i.e. per core) for TCP and HTTP probes against
 * local servers in a child process (HTTP twice: a status-only check, which reads the status line
 * alone, and one with a body regex), in a closed loop: first in this process (tsx, V8's
 * defaults), then each check in a fresh process run from the build with the V8 flags the agent
 * ships with (agent/bin/node-flags.js: for more than 1,000 real servers, and with lite mode for
 * up to 1,000), the figure a director gets. Then the agent's RSS with services × destinations TCP
 * checks at a 2 s interval, each in a fresh process (scale-process.ts): built as `npm run build`
 * builds the agent (esbuild, into dist/bench/), with the shipped V8 flags, with V8's defaults,
 * with --optimize-for-size, and with a small young generation and slow old-generation growth
 * (both trade CPU for memory); and from the sources through tsx. `--skip-scale` stops after the
 * closed loop. Prints tables, then the JSON on the last line of stdout.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import {
  LITE_MODE_MAX_REAL_SERVERS,
  nodeFlagsFor as shippedFlags,
} from '../../agent/bin/node-flags.js';
import type { ScaleResult } from './scale.js';
import { CLOSED_LOOP_CHECKS, measureThroughput } from './throughput.js';
import type { ClosedLoopCheck, ThroughputResult } from './throughput.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '64' },
    services: { type: 'string', default: '1000' },
    destinations: { type: 'string', default: '10' },
    'interval-ms': { type: 'string', default: '2000' },
    'scale-seconds': { type: 'string', default: '10' },
    'skip-scale': { type: 'boolean', default: false },
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
    v8Flags: shippedFlags(Number(values.services) * Number(values.destinations)),
  },
  { runsFrom: 'build', v8Flags: [] },
  { runsFrom: 'build', v8Flags: ['--optimize-for-size'] },
  // A 1 MB young generation and an old generation that grows by 20 % past what survived.
  { runsFrom: 'build', v8Flags: ['--max-semi-space-size=1', '--heap-growing-percent=20'] },
  { runsFrom: 'sources', v8Flags: [] },
];

const SCALE_SOURCE = fileURLToPath(new URL('./scale-process.ts', import.meta.url));
const SCALE_BUILT = fileURLToPath(new URL('../../dist/bench/scale-process.mjs', import.meta.url));
const LOOP_SOURCE = fileURLToPath(new URL('./throughput-process.ts', import.meta.url));
const LOOP_BUILT = fileURLToPath(
  new URL('../../dist/bench/throughput-process.mjs', import.meta.url),
);

/** The closed loop in a fresh built process: with the flags the agent ships, for these sizes. */
const LOOP_VARIANTS = [
  {
    label: 'build, as shipped (> 1,000 real servers)',
    v8Flags: shippedFlags(LITE_MODE_MAX_REAL_SERVERS + 1),
  },
  {
    label: 'build, as shipped (lite mode, ≤ 1,000)',
    v8Flags: shippedFlags(LITE_MODE_MAX_REAL_SERVERS),
  },
] as const;

/** scale-process.ts and throughput-process.ts bundled with the settings of scripts/build-agent.mjs. */
async function buildProcesses(): Promise<void> {
  await build({
    entryPoints: [SCALE_SOURCE, LOOP_SOURCE],
    outdir: fileURLToPath(new URL('../../dist/bench/', import.meta.url)),
    outExtension: { '.js': '.mjs' },
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

/** One closed loop of `check` in a fresh built process with `v8Flags`. */
async function measureLoopIn(v8Flags: readonly string[], check: ClosedLoopCheck, port: number) {
  const args = [check, port, Number(values.concurrency), Number(values.seconds) * 1000];
  const child = spawn(process.execPath, [...v8Flags, LOOP_BUILT, ...args.map(String)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`closed loop (${check}, ${v8Flags.join(' ')}) exited ${code}`);
  return JSON.parse(out) as ThroughputResult;
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
  const portOf = (check: ClosedLoopCheck) => (check === 'tcp' ? servers.tcpPort : servers.httpPort);
  const checks = Object.keys(CLOSED_LOOP_CHECKS) as ClosedLoopCheck[];
  const inProcess: ThroughputResult[] = [];
  for (const check of checks) {
    inProcess.push(
      await measureThroughput(
        check,
        CLOSED_LOOP_CHECKS[check],
        { address: '127.0.0.1', port: portOf(check) },
        Number(values.concurrency),
        Number(values.seconds) * 1000,
      ),
    );
  }
  await buildProcesses();
  const shipped = [];
  for (const variant of LOOP_VARIANTS) {
    const results = [];
    for (const check of checks)
      results.push(await measureLoopIn(variant.v8Flags, check, portOf(check)));
    shipped.push({ label: variant.label, v8Flags: variant.v8Flags.join(' '), results });
  }
  const header = ['check', 'inflight', 'probes', 'failures', 'per s', 'per cpu-s'];
  console.log(`closed loop, in this process (tsx, V8 defaults)`);
  console.log(header.map((h) => h.padStart(10)).join(' '));
  for (const r of inProcess) console.log(row(r));
  for (const variant of shipped) {
    console.log(`\nclosed loop, ${variant.label}: ${variant.v8Flags}`);
    console.log(header.map((h) => h.padStart(10)).join(' '));
    for (const r of variant.results) console.log(row(r));
  }
  const scale = values['skip-scale'] ? [] : await measureAndPrintScale();
  console.log(JSON.stringify({ throughput: inProcess, shipped, scale }));
} finally {
  servers.stop();
}

async function measureAndPrintScale() {
  const scaleArgs = [
    Number(values.services),
    Number(values.destinations),
    servers.tcpPort,
    Number(values['interval-ms']),
    Number(values['scale-seconds']) * 1000,
  ];
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
  return scale;
}
