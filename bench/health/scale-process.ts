/**
 * @module Entry of one scale run in a fresh process (run.ts starts it once per V8 configuration):
 * `scale-process.ts SERVICES DESTINATIONS TCP_PORT INTERVAL_MS DURATION_MS` prints the
 * ScaleResult as JSON on stdout.
 */
import { measureScale } from './scale.js';

const [services, destinations, port, intervalMs, durationMs] = process.argv.slice(2).map(Number);
const result = await measureScale(services!, destinations!, port!, intervalMs!, durationMs!);
process.stdout.write(`${JSON.stringify(result)}\n`);
