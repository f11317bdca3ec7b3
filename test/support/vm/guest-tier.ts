/**
 * @module The `skip` value of guest test files (test/vm/guest/*.guest.ts), with the rule of every
 * tier (tier.ts): on a developer machine a missing prerequisite skips with its reason; in CI
 * (CI=true, which runGuestTests passes into the guest) it fails instead. A guest file outside
 * the VM is a missing prerequisite like any other.
 */
import { prerequisite } from '../tier.js';

/**
 * `false` to run, or the skip reason; throws in CI. `hostFile` names the host test that boots
 * the VM for this guest file; `checks` are further prerequisites, as `[ok, reason]`.
 */
export function guestPrerequisite(
  hostFile: string,
  ...checks: readonly (readonly [ok: boolean, reason: string])[]
): false | string {
  const inVm = prerequisite(
    process.env.FLEETLB_VM === '1',
    `runs only inside the VM (${hostFile})`,
  );
  if (inVm) return inVm;
  for (const [ok, reason] of checks) {
    const skip = prerequisite(ok, reason);
    if (skip) return skip;
  }
  return false;
}
