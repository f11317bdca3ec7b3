/**
 * @module What applying a document means on a director: VRRP instances updated (unchanged ones
 * untouched), the health checks updated, the IPVS table that health, admin states and quorum
 * decide (core/health/decide.ts) handed to the reconcile loop (again at every health change),
 * the document kept as the last-known-good copy; `apply` resolves once the IPVS round for the
 * document has run. On a kernel without IPVS a document with virtual servers is applied all the
 * same: VRRP and the health checks run (tracked virtual-server checks included), and each
 * virtual server is reported as an `ipvs-unavailable` condition (conditions.ts). Everything the
 * contract accepted is applied; what it refuses never reaches here (document-check.ts).
 */
import type { DesiredState } from '../../contract/desired-state.js';
import {
  decideVirtualServer,
  type Decision,
  type RealServerHealth,
} from '../core/health/decide.js';
import { serviceOfVirtualServer } from '../core/ipvs/from-document.js';
import type { DesiredService, IpvsTable } from '../core/ipvs/model.js';
import type { DirectorVirtualServer } from '../../contract/virtual-server.js';
import type { VrrpEngine } from '../vrrp/engine.js';
import type { IpvsReconciler } from './ipvs-reconciler.js';
import type { Condition } from '../../contract/agent-status.js';
import { documentConditions } from './conditions.js';
import type { DocumentCheck } from './document-check.js';
import type { LastKnownGood } from './last-known-good.js';

export type ApplyResult = { ok: true } | (DocumentCheck & { ok: false });

/** The health checks, as the agent needs them (agent/health/runner.ts). */
export interface HealthSource {
  update(virtualServers: readonly DirectorVirtualServer[]): void;
  healthOf(virtualServer: string): ReadonlyMap<string, RealServerHealth>;
}

/** How long `apply` waits for the IPVS round of a new document before it reports anyway. */
const IPVS_SETTLE_TIMEOUT_MS = 5_000;

export class DirectorAgent {
  /** The document in force. */
  applied: DesiredState | undefined;
  /** What this director cannot do of the document in force (status conditions). */
  conditions: Condition[] = [];
  /** Whether each virtual server had quorum in the last decision (keepalived starts with it). */
  private readonly quorum = new Map<string, boolean>();

  constructor(
    private readonly engine: Pick<VrrpEngine, 'update' | 'virtualServerChanged'> &
      Partial<Pick<VrrpEngine, 'setMaintenance'>>,
    /** Absent when the kernel has no IPVS. */
    private readonly reconciler: Pick<IpvsReconciler, 'setDesired' | 'settled'> | undefined,
    private readonly lastKnownGood: Pick<LastKnownGood, 'save'> | undefined,
    private readonly health?: HealthSource,
    /** Called with each document once it is in force (metrics). */
    private readonly onApplied?: (document: DesiredState) => void,
    /** Called when a virtual server gains or loses quorum (keepalived quorum_up/quorum_down). */
    private readonly onQuorumChange?: (virtualServer: DirectorVirtualServer, up: boolean) => void,
  ) {}

  async apply(document: DesiredState): Promise<ApplyResult> {
    const ipvs = this.reconciler !== undefined;
    this.conditions = documentConditions(document, ipvs, this.conditions, new Date().toISOString());
    // The IPVS table first (its round starts at once): it does not depend on VRRP, and a weight
    // change or a drain should not wait for the VRRP update's netlink dumps.
    this.health?.update(document.virtualServers);
    this.applied = document;
    this.onApplied?.(document);
    this.healthChanged();
    // Before the update, so that instances the document adds start in maintenance too.
    this.engine.setMaintenance?.(document.director.maintenance === true);
    await this.engine.update(document.vrrpInstances);
    await this.lastKnownGood?.save(document);
    // Applied means in the kernel: the status report that follows carries the weights in force,
    // and it does not compete with the round for the CPU.
    await this.reconciler?.settled(IPVS_SETTLE_TIMEOUT_MS);
    return { ok: true };
  }

  /**
   * A real server's health changed: decide the IPVS table again (without IPVS the decisions
   * still feed the VRRP engine's tracked virtual-server checks).
   */
  healthChanged(): void {
    if (!this.applied) return;
    const table = this.table(this.applied);
    this.reconciler?.setDesired(table);
  }

  /** Also tells the VRRP engine each virtual server's health (tracked virtual-server checks). */
  private table(document: DesiredState): IpvsTable<DesiredService> {
    return desiredTable(
      document,
      (vs) => this.health?.healthOf(vs),
      this.quorum,
      (vs, d) =>
        this.engine.virtualServerChanged(vs, {
          allDown: d.healthyServers === 0,
          belowQuorum: !d.quorumUp,
        }),
      this.onQuorumChange,
    );
  }
}

/**
 * Each virtual server's destinations as health, admin state and quorum decide them; `quorum`
 * remembers each virtual server's last decision (hysteresis) and is updated. A real server
 * without known health counts as up (keepalived's start).
 */
export function desiredTable(
  document: DesiredState,
  healthOf: (virtualServer: string) => ReadonlyMap<string, RealServerHealth> | undefined,
  quorum: Map<string, boolean> = new Map(),
  onDecision?: (virtualServer: string, decision: Decision) => void,
  onQuorumChange?: (virtualServer: DirectorVirtualServer, up: boolean) => void,
): IpvsTable<DesiredService> {
  const services = document.virtualServers.map((vs) => {
    const health = healthOf(vs.name) ?? new Map<string, RealServerHealth>();
    const had = quorum.get(vs.name) ?? true;
    const decision = decideVirtualServer(vs, health, had);
    quorum.set(vs.name, decision.quorumUp);
    onDecision?.(vs.name, decision);
    if (decision.quorumUp !== had) onQuorumChange?.(vs, decision.quorumUp);
    return { ...serviceOfVirtualServer(vs), destinations: decision.destinations };
  });
  return { services };
}
