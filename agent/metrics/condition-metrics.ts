/**
 * @module The agent's status conditions as metrics:
 * `fleetlb_virtual_server_condition{virtual_server, condition}` is 1 while the condition holds
 * for the virtual server and 0 otherwise, for every virtual server of the document in force and
 * every condition type (a closed set, contract/agent-status.ts), so a query or an alert never
 * has to guess whether an absent series means "fine" or "not exported".
 */
import { Gauge, type Registry } from 'prom-client';
import { ConditionType, type Condition } from '../../contract/agent-status.js';

/** The condition types a virtual server can be in (the others are about other objects). */
export const CONDITION_TYPES = ConditionType.options.filter((t) => t !== 'ipvs-sync-failed');

export class ConditionMetrics {
  private readonly gauge: Gauge<'virtual_server' | 'condition'>;
  private exported = new Set<string>();

  constructor(registry: Registry) {
    this.gauge = new Gauge({
      name: 'fleetlb_virtual_server_condition',
      help: '1 while the condition (e.g. ipvs-unavailable) holds for the virtual server, else 0',
      labelNames: ['virtual_server', 'condition'],
      registers: [registry],
    });
  }

  /** The document's virtual servers and the conditions in force. */
  sync(virtualServers: readonly { name: string }[], conditions: readonly Condition[]): void {
    const holding = new Set(
      conditions
        .filter((c) => c.object.kind === 'VirtualServer')
        .map((c) => `${c.object.name}\0${c.type}`),
    );
    const names = new Set(virtualServers.map((vs) => vs.name));
    for (const gone of this.exported) {
      if (names.has(gone)) continue;
      for (const condition of CONDITION_TYPES)
        this.gauge.remove({ virtual_server: gone, condition });
    }
    for (const name of names) {
      for (const condition of CONDITION_TYPES) {
        const value = holding.has(`${name}\0${condition}`) ? 1 : 0;
        this.gauge.set({ virtual_server: name, condition }, value);
      }
    }
    this.exported = names;
  }
}
