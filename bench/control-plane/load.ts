/**
 * @module The 304 load generator, forked by run.ts so that autocannon has a process (and, on a
 * multi-core machine, a core) of its own, apart from the server's and from the orchestrator's.
 * Warms up, sends `warm` and waits for `go` (the parent reads the server's CPU clock then), runs
 * the measured load and sends `result` with its own CPU time.
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import type { LoadMessage, LoadResult } from './shared.js';

/** The part of autocannon's programmatic API used here (the package ships no types). */
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p90: number; p99: number; max: number };
  requests: { average: number; total: number };
}
type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      etag: { type: 'string' },
      connections: { type: 'string', default: '50' },
      warmup: { type: 'string', default: '2' },
      duration: { type: 'string', default: '8' },
    },
  });
  if (!values.url || !values.token || !values.etag)
    throw new Error('--url, --token and --etag are required');
  if (!process.send) throw new Error('load.ts must be forked with an IPC channel');
  const send = (message: LoadMessage) => process.send?.(message);
  const options = {
    url: values.url,
    connections: Number(values.connections),
    headers: { authorization: `Bearer ${values.token}`, 'if-none-match': values.etag },
  };

  await autocannon({ ...options, duration: Number(values.warmup) });
  const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
  send({ type: 'warm' });
  await go;

  const before = process.cpuUsage();
  const r = await autocannon({ ...options, duration: Number(values.duration) });
  const cpu = process.cpuUsage(before);
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(r.statusCodeStats)) statusCodes[code] = count;
  const result: LoadResult = {
    durationS: r.duration,
    total: r.requests.total,
    requestsPerS: r.requests.total / r.duration,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    statusCodes,
    errors: r.errors,
    timeouts: r.timeouts,
    cpuS: (cpu.user + cpu.system) / 1e6,
  };
  send({ type: 'result', result });
  process.disconnect();
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench load: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
