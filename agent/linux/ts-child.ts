/**
 * @module How the agent starts its helper processes (crash guard, rtnetlink watcher). From the
 * sources: the same Node binary with the tsx loader resolved from this install, so they start
 * whatever the working directory is and whether or not the parent itself was started with
 * `--import tsx`. From the build (scripts/build-agent.mjs): the helper's own bundle, beside the
 * agent's.
 */
import { fileURLToPath } from 'node:url';

/** Defined (true) only in the build. */
declare const __FLEETLB_BUNDLE__: boolean | undefined;
const BUNDLED = typeof __FLEETLB_BUNDLE__ !== 'undefined' && __FLEETLB_BUNDLE__;

/** The helpers, by the names scripts/build-agent.mjs gives their bundles. */
export type Helper = 'crash-guard' | 'rtnetlink-watch';

/** argv for `spawn(process.execPath, argv)` running `helper`, whose source is `sourceUrl`. */
export function helperArgv(helper: Helper, sourceUrl: URL, args: readonly string[] = []): string[] {
  if (BUNDLED) return [fileURLToPath(new URL(`./${helper}.mjs`, import.meta.url)), ...args];
  return ['--import', import.meta.resolve('tsx'), fileURLToPath(sourceUrl), ...args];
}

/** How this agent runs: from the build, or from the TypeScript sources through tsx. */
export const RUNS_FROM: 'build' | 'sources' = BUNDLED ? 'build' : 'sources';
