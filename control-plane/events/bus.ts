/**
 * @module The event bus that makes replicas coherent: every write commits a NOTIFY on
 * `fleetlb_events` (delivered at COMMIT, dropped on rollback), and every replica LISTENs.
 * It wakes long-polls and drain waits, tracks each site's latest revision for the 304 fast path,
 * and empties caches. PGlite delivers in-process; PostgreSQL across replicas.
 */
import { sql } from 'drizzle-orm';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Database, Tx } from '../db/database.js';
import { DatabaseUnavailable, isDatabaseUnavailable } from '../db/unavailable.js';

export const CHANNEL = 'fleetlb_events';

export type FleetEvent =
  | { type: 'revision'; siteId: string; revision: number }
  | { type: 'status'; siteId: string; directorId: string }
  | { type: 'tokens' };

// transaction -> events published in it, delivered locally once it commits (EventBus.transaction)
const published = new WeakMap<Tx, FleetEvent[]>();

/** Queues an event in the transaction: it goes out when (and only if) the transaction commits. */
export async function publish(tx: Tx, event: FleetEvent): Promise<void> {
  await tx.execute(sql`select pg_notify(${CHANNEL}, ${JSON.stringify(event)})`);
  published.get(tx)?.push(event);
}

export class EventBus {
  readonly #emitter = new EventEmitter();
  readonly #revisions = new Map<string, number>(); // site id -> latest revision seen
  #unlisten: (() => Promise<void>) | undefined;
  #waiting = 0;

  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
  ) {
    this.#emitter.setMaxListeners(0);
  }

  async start(): Promise<void> {
    this.#unlisten = await this.database.listen(
      CHANNEL,
      (payload) => this.#receive(payload),
      () => this.#resync(),
    );
  }

  async stop(): Promise<void> {
    await this.#unlisten?.();
    this.#unlisten = undefined;
  }

  /**
   * Runs a transaction; after it commits, the events it published are delivered on this replica
   * at once, so the next request here sees them (a revoked token, a new revision) without
   * waiting for its own NOTIFY to come back. The NOTIFY still reaches every replica; handling an
   * event twice is harmless. A database that goes away under it throws `DatabaseUnavailable`,
   * which says whether the write may have committed.
   */
  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const events: FleetEvent[] = [];
    let committing = false;
    let result: T;
    try {
      result = await this.database.db.transaction(async (tx) => {
        published.set(tx, events);
        const value = await fn(tx);
        committing = true;
        return value;
      });
    } catch (err) {
      // Lost before COMMIT was sent: PostgreSQL rolled it back. Lost during COMMIT: it may have
      // committed or not, and only a read after recovery can tell.
      if (isDatabaseUnavailable(err) && !(err instanceof DatabaseUnavailable))
        throw new DatabaseUnavailable(committing ? 'unknown' : 'not-applied', err);
      throw err;
    }
    for (const event of events) this.#deliver(event);
    return result;
  }

  /** The latest revision of a site this replica knows of (undefined: ask the database). */
  knownRevision(siteId: string): number | undefined {
    return this.#revisions.get(siteId);
  }

  /** Records a revision read from the database; revisions only move forward. */
  noteRevision(siteId: string, revision: number): void {
    if (revision > (this.#revisions.get(siteId) ?? -1)) this.#revisions.set(siteId, revision);
  }

  /** How many `waitFor` calls are pending (long-polls and drain waits in progress). */
  pendingWaits(): number {
    return this.#waiting;
  }

  /** Subscribes to one kind of event; returns the unsubscribe function. */
  on<T extends FleetEvent['type'] | 'resync'>(
    type: T,
    listener: (event: Extract<FleetEvent, { type: T }> | undefined) => void,
  ): () => void {
    this.#emitter.on(type, listener);
    return () => this.#emitter.off(type, listener);
  }

  /**
   * Resolves when an event of site `siteId` for which `wake` returns true arrives, on resync, on
   * timeout or abort; returns 'event' or 'timeout'. Waiters are kept per site, so an event costs
   * in proportion to the waiters of its own site, not to every long-poll of the replica.
   */
  waitFor(
    siteId: string,
    wake: (event: FleetEvent) => boolean,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<'event' | 'timeout'> {
    const channel = `site:${siteId}`;
    return new Promise((resolve) => {
      const done = (result: 'event' | 'timeout') => {
        clearTimeout(timer);
        this.#emitter.off(channel, onEvent);
        this.#emitter.off('resync', onResync);
        signal?.removeEventListener('abort', onAbort);
        this.#waiting--;
        resolve(result);
      };
      const onEvent = (event: FleetEvent) => wake(event) && done('event');
      const onResync = () => done('event');
      const onAbort = () => done('timeout');
      const timer = setTimeout(() => done('timeout'), timeoutMs);
      this.#waiting++;
      this.#emitter.on(channel, onEvent);
      this.#emitter.on('resync', onResync);
      if (signal?.aborted) done('timeout');
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #receive(payload: string): void {
    let event: FleetEvent;
    try {
      event = JSON.parse(payload) as FleetEvent;
    } catch {
      this.logger.warn({ payload }, 'ignoring a malformed notification');
      return;
    }
    this.#deliver(event);
  }

  #deliver(event: FleetEvent): void {
    if (event.type === 'revision') this.noteRevision(event.siteId, event.revision);
    this.#emitter.emit(event.type, event);
    if ('siteId' in event) this.#emitter.emit(`site:${event.siteId}`, event);
  }

  /** Notifications may have been lost: forget what we cached and wake every waiter to re-read. */
  #resync(): void {
    this.#revisions.clear();
    this.#emitter.emit('resync', undefined);
  }
}
