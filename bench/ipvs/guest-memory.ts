/** @module Measurement 4 in the guest: RSS and heap of the guest's node process (after `gc()`) at start, after building the table, and with one full listing held. */
import { NetlinkIpvsClient } from '../../agent/linux/ipvs/netlink-ipvs-client.js';
import { log } from './guest-log.js';
import type { MemoryResults } from './types.js';

/** `gc()` when node runs with --expose-gc (run.ts starts the guest so), else nothing. */
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** The process's memory now, after a full collection. */
export function memory(): MemoryResults['start'] {
  gc();
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external };
}

/** Measurement 4: RSS and heap with the desired table and one full listing held. */
export async function measureMemory(start: MemoryResults['start']): Promise<MemoryResults> {
  const afterBuild = memory();
  const client = await NetlinkIpvsClient.open();
  const listing = await client.list();
  client.close();
  const afterList = memory();
  log(
    `memory: RSS ${(afterList.rss / 2 ** 20).toFixed(0)} MiB with ${listing.services.length} services listed`,
  );
  return { start, afterBuild, afterList };
}
