/**
 * @module How the agent starts its helper processes (crash guard, rtnetlink watcher): the same
 * Node binary with the tsx loader resolved from this install, so they start whatever the working
 * directory is and whether or not the parent itself was started with `--import tsx`.
 */
import { fileURLToPath } from 'node:url';

/** argv for `spawn(process.execPath, argv)` running the TypeScript module at `moduleUrl`. */
export function tsChildArgv(moduleUrl: URL, args: readonly string[] = []): string[] {
  return ['--import', import.meta.resolve('tsx'), fileURLToPath(moduleUrl), ...args];
}
