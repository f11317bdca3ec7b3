/**
 * @module Entry of one closed-loop run in a fresh process (run.ts starts it once per V8
 * configuration, from the build, as the agent runs): `throughput-process.ts CHECK PORT
 * CONCURRENCY DURATION_MS`, CHECK one of `tcp`, `http`, `http+body`; prints the
 * ThroughputResult as JSON on stdout.
 */
import { CLOSED_LOOP_CHECKS, measureThroughput } from './throughput.js';
import type { ClosedLoopCheck } from './throughput.js';

const [check, port, concurrency, durationMs] = process.argv.slice(2);
const result = await measureThroughput(
  check!,
  CLOSED_LOOP_CHECKS[check as ClosedLoopCheck],
  { address: '127.0.0.1', port: Number(port) },
  Number(concurrency),
  Number(durationMs),
);
process.stdout.write(`${JSON.stringify(result)}\n`);
