/** @module Opening the sync-daemon socket next to the IPVS table client, or nothing (logged). */
import type { Logger } from 'pino';
import { NetlinkSyncDaemonClient } from '../linux/ipvs/sync-daemon-client.js';

/** The daemon client, or why it cannot open (the sync controller then reports it). */
export async function openSyncDaemons(
  logger: Logger,
): Promise<{ client: NetlinkSyncDaemonClient } | { error: string }> {
  try {
    return { client: await NetlinkSyncDaemonClient.open() };
  } catch (error) {
    const message = `the IPVS sync daemons cannot be driven: ${(error as Error).message}`;
    logger.warn({ error: (error as Error).message }, message);
    return { error: message };
  }
}
