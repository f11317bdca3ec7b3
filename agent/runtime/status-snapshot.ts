/**
 * @module The VRRP part of a status report, read from the running engine (or resigned, for a
 * stopping agent's last report), and one transition in the report's terms (the state machine's
 * `initialize` is the contract's `init`).
 */
import type { VrrpState, VrrpTransition } from '../../contract/agent-status.js';
import type { VrrpStateName } from '../core/vrrp/machine.js';
import type { InstanceTransition } from '../vrrp/instance-runner.js';
import type { VrrpEngine } from '../vrrp/engine.js';
import { isHandingOver } from '../core/vrrp/maintenance.js';

const STATE: Record<VrrpStateName, VrrpState> = {
  initialize: 'init',
  backup: 'backup',
  master: 'master',
  fault: 'fault',
};

/**
 * Each running instance: VRID, state (since its last transition), effective priority, VIPs held,
 * and whether a master is handing over for maintenance (it holds its VIPs until then).
 */
export function vrrpStatus(
  engine: Pick<VrrpEngine, 'instances'>,
  sinceOf: (instance: string) => string,
) {
  return [...engine.instances.values()].map(({ plan, runner }) => {
    const state = STATE[runner.state.name];
    return {
      instance: plan.spec.name,
      vrid: plan.spec.vrid,
      state,
      priority: runner.state.priority,
      since: sinceOf(plan.spec.name),
      vipsOwned: state === 'master' ? plan.vips.map((v) => v.address) : [],
      ...(isHandingOver(runner.state) ? { handingOver: true } : {}),
    };
  });
}

/** The instances of a stopped agent: resigned (init), holding no VIP, since `at`. */
export function resignedStatus<T extends object>(instances: readonly T[], at: string) {
  return instances.map((i) => ({ ...i, state: 'init' as const, since: at, vipsOwned: [] }));
}

/** A transition as the status report carries it. */
export function transitionStatus(t: InstanceTransition): VrrpTransition {
  return {
    instance: t.instance,
    from: STATE[t.from],
    to: STATE[t.to],
    at: new Date(performance.timeOrigin + t.at).toISOString(),
    reason: t.reason,
  };
}
