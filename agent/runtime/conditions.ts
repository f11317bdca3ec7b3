/**
 * @module What a director cannot do of the document in force, as status conditions (pure): on a
 * kernel without IPVS every virtual server is `ipvs-unavailable` (its health checks run, and
 * VRRP, but nothing is programmed). A condition keeps its `since` for as long as it holds.
 */
import type { Condition } from '../../contract/agent-status.js';
import type { DesiredState } from '../../contract/desired-state.js';

export const IPVS_UNAVAILABLE_MESSAGE =
  'this kernel has no IPVS (load the ip_vs module): the virtual server is not programmed; VRRP and its health checks run';

const keyOf = (c: Pick<Condition, 'type' | 'object'>) =>
  `${c.type}/${c.object.kind}/${c.object.name}`;

/** The conditions of `document`, keeping the `since` of those in `previous` that still hold. */
export function documentConditions(
  document: Pick<DesiredState, 'virtualServers'>,
  ipvsAvailable: boolean,
  previous: readonly Condition[],
  nowIso: string,
): Condition[] {
  if (ipvsAvailable) return [];
  const since = new Map(previous.map((c) => [keyOf(c), c.since]));
  return document.virtualServers.map((vs) => {
    const condition = {
      type: 'ipvs-unavailable' as const,
      object: { kind: 'VirtualServer' as const, name: vs.name },
      message: IPVS_UNAVAILABLE_MESSAGE,
    };
    return { ...condition, since: since.get(keyOf(condition)) ?? nowIso };
  });
}
