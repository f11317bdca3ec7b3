/**
 * @module How this agent runs: from the build (scripts/build-agent.mjs, which defines
 * `__FLEETLB_BUNDLE__`) or from the TypeScript sources through tsx. Logged at start.
 */

/** Defined (true) only in the build. */
declare const __FLEETLB_BUNDLE__: boolean | undefined;
const BUNDLED = typeof __FLEETLB_BUNDLE__ !== 'undefined' && __FLEETLB_BUNDLE__;

export const RUNS_FROM: 'build' | 'sources' = BUNDLED ? 'build' : 'sources';
