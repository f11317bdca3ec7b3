/**
 * @module `fleetlb`, the operator CLI of the control plane API: contexts, get/describe/apply/
 * delete of fleet objects, drain/undrain/weight, fleet status, tokens, keepalived import/export.
 * See `fleetlb --help`; exit codes are listed there (exit-codes.ts).
 */
import { text } from 'node:stream/consumers';
import { runCli } from './cli.js';

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  readStdin: () => text(process.stdin),
});
process.exitCode = code;
