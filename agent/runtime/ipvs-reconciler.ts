/**
 * @module The IPVS reconcile loop, level-triggered (kube-proxy's proxier): every round re-reads
 * the kernel's table, plans against the desired table (core/ipvs/plan.ts) and applies the
 * operations. Rounds are paced like kube-proxy's BoundedFrequencyRunner: at most one per
 * `minIntervalMs`, one at least every `resyncIntervalMs` (repairing what someone else changed),
 * and a wake-up (new document, health change) during a round queues exactly one more.
 * The set of services fleetlb owns is kept on disk (`owned.json`), so after a restart the agent
 * still removes what it installed and never what another tool did.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DesiredService, IpvsTable } from '../core/ipvs/model.js';
import { plan, type IpvsPlan } from '../core/ipvs/plan.js';
import type { ApplyOutcome, IpvsClient } from '../linux/ipvs/ipvs-client.js';
import { writeFileAtomic } from './atomic-file.js';

export interface ReconcilerOptions {
  stateDir: string;
  minIntervalMs?: number;
  resyncIntervalMs?: number;
  /** Destructive operations per round (Seesaw's rateLimitVS); the rest wait a round. */
  maxDestructive?: number;
  drain?: { graceMs: number } | false;
  adopt?: boolean;
  now?: () => number;
}

export interface RoundReport {
  plan: IpvsPlan;
  outcome: ApplyOutcome;
  unreadable: number;
  durationMs: number;
}

export interface ReconcilerEvents {
  onRound(report: RoundReport): void;
  onError(error: Error): void;
}

export class IpvsReconciler {
  private desired: IpvsTable<DesiredService> | undefined;
  private owned = new Set<string>();
  private drainingSince: ReadonlyMap<string, number> = new Map();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private lastRoundAt = -Infinity;
  private stopped = false;
  /** Counts `setDesired` calls; `roundGeneration` is the one the last finished round planned. */
  private generation = 0;
  private roundGeneration = 0;
  private readonly waiters = new Set<{ generation: number; release: () => void }>();
  private readonly ownedPath: string;

  constructor(
    private readonly client: IpvsClient,
    private readonly options: ReconcilerOptions,
    private readonly events: ReconcilerEvents,
  ) {
    this.ownedPath = join(options.stateDir, 'owned.json');
  }

  /** Loads the owned set from disk; call once before the first `setDesired`. */
  async start(): Promise<void> {
    try {
      const keys: unknown = JSON.parse(await readFile(this.ownedPath, 'utf8'));
      if (Array.isArray(keys)) this.owned = new Set(keys.filter((k) => typeof k === 'string'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.events.onError(error as Error);
    }
  }

  /** The table to converge to; a round follows (paced). */
  setDesired(table: IpvsTable<DesiredService>): void {
    this.desired = table;
    this.generation += 1;
    this.wake();
  }

  /** Asks for a round as soon as pacing allows. */
  wake(): void {
    if (this.stopped || this.desired === undefined) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const waitMs = Math.max(0, this.lastRoundAt + (this.options.minIntervalMs ?? 100) - this.now());
    // Without a pacing wait the round starts now: its kernel dump is under way before whatever
    // the caller does next (a new document's VRRP update, its last-known-good copy).
    if (waitMs === 0) this.runRound();
    else this.schedule(waitMs);
  }

  /**
   * Resolves once a round has planned from the table last given to `setDesired` (applied, or
   * failed and reported), or after `timeoutMs`, or at `stop`.
   */
  settled(timeoutMs: number): Promise<void> {
    const generation = this.generation;
    if (this.roundGeneration >= generation || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = {
        generation,
        release: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.release, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Stops scheduling and waits for a round in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    for (const waiter of [...this.waiters]) waiter.release();
  }

  private now(): number {
    return (this.options.now ?? performance.now.bind(performance))();
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.runRound(), delayMs);
  }

  private runRound(): void {
    clearTimeout(this.timer);
    this.running = this.round().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        this.wake();
      } else this.schedule(this.options.resyncIntervalMs ?? 30_000);
    });
  }

  /** What a round would do to the kernel now for `table`, without doing it (`--dry-run`). */
  async preview(table: IpvsTable<DesiredService>): Promise<IpvsPlan> {
    const listing = await this.client.list({ stats: false });
    return plan(listing, table, this.planOptions(this.now()));
  }

  /**
   * Removes every service fleetlb owns (`--ipvs-on-exit remove`), at once and undrained; what
   * other tools installed stays. Call after `stop`.
   */
  async removeOwned(): Promise<ApplyOutcome> {
    const listing = await this.client.list({ stats: false });
    const result = plan(
      listing,
      { services: [] },
      { ...this.planOptions(this.now()), drain: false, maxDestructive: Infinity },
    );
    const outcome = await this.client.applyAll(result.ops);
    await this.saveOwned(result.owned);
    return outcome;
  }

  private planOptions(now: number) {
    return {
      owned: this.owned,
      adopt: this.options.adopt ?? false,
      drain: this.options.drain ?? false,
      now,
      drainingSince: this.drainingSince,
      maxDestructive: this.options.maxDestructive ?? Infinity,
    };
  }

  private async round(): Promise<void> {
    const desired = this.desired;
    if (desired === undefined) return;
    const generation = this.generation;
    const startedAt = this.now();
    this.lastRoundAt = startedAt;
    try {
      const listing = await this.client.list({ stats: false });
      const result = plan(listing, desired, this.planOptions(startedAt));
      const outcome = await this.client.applyAll(result.ops);
      this.drainingSince = result.drainingSince;
      await this.saveOwned(result.owned);
      if (result.deferred.length > 0) this.again = true;
      const durationMs = this.now() - startedAt;
      this.events.onRound({
        plan: result,
        outcome,
        unreadable: listing.unreadable.length,
        durationMs,
      });
    } catch (error) {
      this.events.onError(error as Error);
    }
    this.roundGeneration = generation;
    for (const waiter of [...this.waiters]) if (waiter.generation <= generation) waiter.release();
  }

  private async saveOwned(owned: ReadonlySet<string>): Promise<void> {
    const same = owned.size === this.owned.size && [...owned].every((k) => this.owned.has(k));
    this.owned = new Set(owned);
    if (same) return;
    await writeFileAtomic(this.ownedPath, `${JSON.stringify([...owned].sort())}\n`);
  }
}
