/**
 * @module Test tiers that need something from the machine (a PostgreSQL server, root, a kernel
 * feature). On a developer machine a missing prerequisite skips the tier with a one-line reason;
 * in CI (CI=true) nothing may skip, so it fails instead.
 */
export const inCI = process.env.CI === 'true';

/** Returns `false` to run, or the skip reason; throws in CI when the prerequisite is missing. */
export function prerequisite(ok: boolean, reason: string): false | string {
  if (ok) return false;
  if (inCI) throw new Error(`CI requires this test tier, but: ${reason}`);
  return reason;
}
