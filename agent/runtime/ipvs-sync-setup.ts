/** @module Opening the sync-daemon socket next to the IPVS table client, or nothing (logged). */
import type { Logger } from 'pino';
import { NetlinkSyncDaemonClient } from '../linux/ipvs/sync-daemon-client.js';

/** The daemon client, or undefined when it cannot open (the sync controller then reports it). */
export async function openSyncDaemons(
  logger: Logger,
): Promise<NetlinkSyncDaemonClient | undefined> {
  try {
    return await NetlinkSyncDaemonClient.open();
  } catch (error) {
    logger.warn({ error: (error as Error).message }, 'IPVS sync daemons cannot be driven');
    return undefined;
  }
}
