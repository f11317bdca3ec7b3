/**
 * @module The load generator, forked by the benchmark so that autocannon has a process (and, on
 * a multi-core machine, a core) of its own, apart from the server's and from the orchestrator's:
 * the 304 load of run.ts (one agent token and its current ETag), or with `--random-tokens` the
 * unknown-token flood of hostile.ts (a made-up, well-formed token on every request).
 * Warms up, sends `warm` and waits for `go` (the parent reads the server's CPU clock then), runs
 * the measured load (for `--duration` seconds, or until the parent sends `stop`) and sends
 * `result` with its own CPU time.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import type { LoadMessage, LoadResult } from './shared.js';

/** The part of autocannon's programmatic API used here (the package ships no types). */
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
  requests?: { setupRequest: (request: { headers: Record<string, string> }) => unknown }[];
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p90: number; p99: number; max: number };
  requests: { average: number; total: number };
}
type Autocannon = (
  options: AutocannonOptions,
  done: (err: Error | null, result: AutocannonResult) => void,
) => { stop(): void };

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** Runs autocannon; `stop` ends the run early (the result then covers what ran). */
function run(options: AutocannonOptions): { result: Promise<AutocannonResult>; stop(): void } {
  let stop = () => {};
  const result = new Promise<AutocannonResult>((resolve, reject) => {
    const instance = autocannon(options, (err, r) => (err ? reject(err) : resolve(r)));
    stop = () => instance.stop();
  });
  return { result, stop };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      etag: { type: 'string' },
      'random-tokens': { type: 'boolean', default: false },
      connections: { type: 'string', default: '50' },
      warmup: { type: 'string', default: '2' },
      duration: { type: 'string', default: '8' },
    },
  });
  const random = values['random-tokens'];
  if (!values.url || (!random && (!values.token || !values.etag)))
    throw new Error('--url and either --token and --etag, or --random-tokens, are required');
  if (!process.send) throw new Error('load.ts must be forked with an IPC channel');
  const send = (message: LoadMessage) => process.send?.(message);
  const options: Omit<AutocannonOptions, 'duration'> = {
    url: values.url,
    connections: Number(values.connections),
    headers: random
      ? {}
      : { authorization: `Bearer ${values.token}`, 'if-none-match': values.etag! },
  };
  if (random) {
    // Tokens of the real form (token-cache.ts), so each one is a candidate for a lookup.
    const setupRequest = (request: { headers: Record<string, string> }) => {
      request.headers = {
        ...request.headers,
        authorization: `Bearer flb_${randomBytes(32).toString('base64url')}`,
      };
      return request;
    };
    options.requests = [{ setupRequest }];
  }

  await run({ ...options, duration: Number(values.warmup) }).result;
  const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
  send({ type: 'warm' });
  await go;

  const before = process.cpuUsage();
  const measured = run({ ...options, duration: Number(values.duration) });
  process.once('message', () => measured.stop()); // 'stop': the parent has what it needed
  const r = await measured.result;
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
