/**
 * @module The worker thread side of report-parser.ts: parses each report it is sent and posts
 * the result back with the request's id.
 */
import { parentPort } from 'node:worker_threads';
import { parseReport } from './parse-report.js';

parentPort?.on('message', (message: { id: number; bytes: Uint8Array }) => {
  let result;
  try {
    result = parseReport(message.bytes);
  } catch {
    result = undefined; // the main thread parses it again and reports what went wrong
  }
  parentPort?.postMessage({ id: message.id, result });
});
