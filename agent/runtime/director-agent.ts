/**
 * @module What applying a document means on a director: VRRP instances updated (unchanged ones
 * untouched), the IPVS table handed to the reconcile loop, the document kept as the
 * last-known-good copy. A document that needs IPVS on a kernel without it is refused with that
 * reason (the agent still runs VRRP); everything else the contract accepted is applied.
 */
import type { DesiredState } from '../../contract/desired-state.js';
import { desiredTableOf } from '../core/ipvs/from-document.js';
import type { VrrpEngine } from '../vrrp/engine.js';
import type { IpvsReconciler } from './ipvs-reconciler.js';
import type { LastKnownGood } from './last-known-good.js';

export type ApplyResult = { ok: true } | { ok: false; problems: string[] };

export class DirectorAgent {
  /** The document in force. */
  applied: DesiredState | undefined;

  constructor(
    private readonly engine: Pick<VrrpEngine, 'update'>,
    /** Absent when the kernel has no IPVS. */
    private readonly reconciler: Pick<IpvsReconciler, 'setDesired'> | undefined,
    private readonly lastKnownGood: Pick<LastKnownGood, 'save'> | undefined,
  ) {}

  async apply(document: DesiredState): Promise<ApplyResult> {
    if (document.virtualServers.length > 0 && this.reconciler === undefined) {
      return {
        ok: false,
        problems: ['virtualServers: this director has no IPVS (load the ip_vs module)'],
      };
    }
    await this.engine.update(document.vrrpInstances);
    this.reconciler?.setDesired(desiredTableOf(document));
    await this.lastKnownGood?.save(document);
    this.applied = document;
    return { ok: true };
  }
}
