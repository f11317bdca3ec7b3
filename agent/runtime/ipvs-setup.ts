/**
 * @module Opening the IPVS side of the agent: the generic-netlink client and its reconcile loop,
 * or nothing (and a clear log line) on a kernel without IPVS, where the agent runs VRRP and the
 * health checks and reports each virtual server as an `ipvs-unavailable` condition.
 */
import type { Logger } from 'pino';
import { NetlinkIpvsClient } from '../linux/ipvs/netlink-ipvs-client.js';
import { IpvsUnavailableError } from '../linux/ipvs/ipvs-error.js';
import { IpvsReconciler, type RoundReport } from './ipvs-reconciler.js';

export interface IpvsSide {
  client: NetlinkIpvsClient;
  reconciler: IpvsReconciler;
}

/** Each round and each failed round, for metrics. */
export interface IpvsRoundHooks {
  round(report: RoundReport): void;
  failed(): void;
}

export async function openIpvs(
  stateDir: string,
  logger: Logger,
  hooks?: IpvsRoundHooks,
): Promise<IpvsSide | undefined> {
  let client: NetlinkIpvsClient;
  try {
    client = await NetlinkIpvsClient.open();
  } catch (error) {
    if (!(error instanceof IpvsUnavailableError)) throw error;
    logger.warn(
      { error: error.message },
      'IPVS unavailable: running VRRP and health checks; virtual servers are reported as ipvs-unavailable',
    );
    return undefined;
  }
  const reconciler = new IpvsReconciler(
    client,
    { stateDir },
    {
      onRound: (r) => {
        hooks?.round(r);
        if (r.outcome.failed.length > 0) hooks?.failed();
        if (r.plan.ops.length === 0 && r.outcome.failed.length === 0) return;
        logger.info(
          {
            event: 'ipvs-round',
            ops: r.plan.ops.length,
            failed: r.outcome.failed.map((f) => f.error.message),
            deferred: r.plan.deferred.length,
            conflicts: r.plan.conflicts.length,
            durationMs: Math.round(r.durationMs),
          },
          'IPVS reconciled',
        );
      },
      onError: (error) => {
        hooks?.failed();
        logger.error({ error: error.message }, 'IPVS round failed');
      },
    },
  );
  await reconciler.start();
  logger.info({ version: client.info.version }, 'IPVS available');
  return { client, reconciler };
}
