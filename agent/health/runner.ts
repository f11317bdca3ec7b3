/**
 * @module Runs the health checks of a desired-state document's real servers: each check on its own
 * interval with a stable per-check phase (core/health/schedule.ts), at most `maxConcurrent` probes
 * at once, oldest due first (core/health/due-queue.ts, so a completion costs O(log n) not O(n)), rise/fall hysteresis per check (core/health/hysteresis.ts), and a change event whenever
 * a real server's health (up, reasons' up/down, misc_dynamic weight, file checks' weight) changes.
 * File checks (keepalived FILE_CHECK) are not probed: their file is watched (file-check-watches.ts)
 * and each number read becomes the check's state at once. `update` keeps the state and schedule of unchanged checks; `stop`
 * aborts probes in flight, closes the file watches and leaves no timer.
 */
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { DirectorVirtualServer } from '../../contract/virtual-server.js';
import { CheckSpecIds, planChecks, serverKeyOf } from '../core/health/check-plan.js';
import type { PlannedCheck } from '../core/health/check-plan.js';
import type { RealServerHealth } from '../core/health/decide.js';
import { applyResult, initialCheckState, serverHealth } from '../core/health/hysteresis.js';
import type { CheckState, ServerHealth } from '../core/health/hysteresis.js';
import type { ProbeResult } from '../core/health/result.js';
import { DueQueue } from '../core/health/due-queue.js';
import { firstDueMs, nextProbeDueMs } from '../core/health/schedule.js';
import { runProbe } from './probe.js';
import type { ProbeFn } from './probe.js';
import { FileCheckWatches } from './file-check-watches.js';
import { nodeTrackedFiles, type TrackedFiles } from '../vrrp/tracked-files.js';

export interface ServerHealthChange {
  virtualServer: string;
  realServer: string;
  health: ServerHealth;
  /** The state a new server starts in (`initialHealth: down`), not a transition of its checks. */
  initial: boolean;
}

export interface CheckResultEvent {
  check: PlannedCheck;
  result: ProbeResult;
  state: CheckState;
  durationMs: number;
}

export interface HealthRunnerOptions {
  onChange: (change: ServerHealthChange) => void;
  /** Every probe result (for metrics: counts by reason, durations). */
  onResult?: (event: CheckResultEvent) => void;
  /** Probes in flight at once; default 64. */
  maxConcurrent?: number;
  /** State of a new check: true = up (keepalived's default), false = down (keepalived `alpha`). */
  initialUp?: boolean;
  probe?: ProbeFn;
  /** Monotonic milliseconds; default performance.now. */
  clock?: () => number;
  /** Where file checks read and watch their files; default node:fs. */
  files?: TrackedFiles;
  /**
   * A file check cannot watch its file (its directory is missing): keepalived removes such a
   * track_file, so the check counts for nothing (up, no weight change) and this reports why.
   */
  onFileDisabled?: (check: PlannedCheck, reason: string) => void;
}

/** One controller is shared by every probe in flight: lift the listener-count warning. */
function newAbortController(): AbortController {
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  return ac;
}

interface Entry {
  check: PlannedCheck;
  state: CheckState;
  dueMs: number;
  running: boolean;
}

export class HealthRunner {
  readonly #opts: Required<Omit<HealthRunnerOptions, 'onResult' | 'onFileDisabled'>> &
    Pick<HealthRunnerOptions, 'onResult' | 'onFileDisabled'>;
  #entries = new Map<string, Entry>();
  #byServer = new Map<string, Entry[]>();
  /** Virtual server → its real servers' keys in #byServer (healthOf is per virtual server). */
  #serversOf = new Map<string, string[]>();
  #servers = new Map<string, ServerHealth>();
  #queue = new DueQueue();
  #specIds = new CheckSpecIds();
  #running = 0;
  #inflight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #wakeMs: number | undefined;
  #abort = newAbortController();
  #started = false;
  /** The file checks' watches (only while started). */
  readonly #fileWatches: FileCheckWatches;
  readonly #isLive = (key: string, dueMs: number): boolean => {
    const e = this.#entries.get(key);
    return e !== undefined && !e.running && e.dueMs === dueMs;
  };

  constructor(opts: HealthRunnerOptions) {
    this.#opts = {
      maxConcurrent: 64,
      initialUp: true,
      probe: runProbe,
      clock: () => performance.now(),
      files: nodeTrackedFiles,
      ...opts,
    };
    this.#fileWatches = new FileCheckWatches({
      files: this.#opts.files,
      onState: (check, state) => {
        const entry = this.#entries.get(check.key);
        if (entry === undefined) return;
        entry.state = state;
        this.#refreshServer(check.serverKey);
      },
      onDisabled: this.#opts.onFileDisabled,
    });
  }

  /** Replaces the document: new checks start, removed ones stop, unchanged ones keep their state. */
  update(virtualServers: readonly DirectorVirtualServer[]): void {
    const now = this.#opts.clock();
    const next = new Map<string, Entry>();
    for (const check of planChecks(virtualServers, this.#specIds)) {
      let entry = this.#entries.get(check.key);
      if (entry === undefined) {
        const dueMs = firstDueMs(check.key, check.timing.intervalMs, now);
        const initialUp = this.#opts.initialUp && check.initialUp;
        entry = { check, state: initialCheckState(initialUp), dueMs, running: false };
        if (check.spec.type !== 'file') this.#queue.push(check.key, dueMs);
      }
      next.set(check.key, entry);
    }
    for (const e of this.#entries.values())
      if (e.running && !next.has(e.check.key)) this.#running--;
    this.#entries = next;
    this.#byServer = new Map();
    this.#serversOf = new Map();
    for (const e of next.values()) {
      const list = this.#byServer.get(e.check.serverKey);
      if (list !== undefined) list.push(e);
      else {
        this.#byServer.set(e.check.serverKey, [e]);
        const keys = this.#serversOf.get(e.check.virtualServer) ?? [];
        keys.push(e.check.serverKey);
        this.#serversOf.set(e.check.virtualServer, keys);
      }
    }
    for (const key of [...this.#servers.keys()])
      if (!this.#byServer.has(key)) this.#servers.delete(key);
    for (const key of this.#byServer.keys()) this.#refreshServer(key);
    this.#syncFileWatches();
    this.#tick();
  }

  start(): void {
    this.#started = true;
    this.#syncFileWatches();
    this.#tick();
  }

  /** Stops scheduling, aborts probes in flight and waits for them to release their sockets. */
  async stop(): Promise<void> {
    this.#started = false;
    this.#disarm();
    this.#fileWatches.stop();
    this.#abort.abort();
    await Promise.all([...this.#inflight]);
    for (const e of this.#entries.values()) {
      if (!e.running) continue;
      e.running = false;
      this.#queue.push(e.check.key, e.dueMs);
    }
    this.#running = 0;
    this.#abort = newAbortController();
  }

  /** The health of a real server with checks; undefined = no checks (always up). */
  serverHealth(virtualServer: string, realServer: string): ServerHealth | undefined {
    return this.#servers.get(serverKeyOf(virtualServer, realServer));
  }

  /** Health by real-server name for core/health/decide.ts. */
  healthOf(virtualServer: string): Map<string, RealServerHealth> {
    const out = new Map<string, RealServerHealth>();
    for (const key of this.#serversOf.get(virtualServer) ?? []) {
      const h = this.#servers.get(key);
      const first = this.#byServer.get(key)?.[0];
      if (h === undefined || first === undefined) continue;
      const { up, weightOverride, weightDelta } = h;
      out.set(first.check.realServer, { up, weightOverride, weightDelta });
    }
    return out;
  }

  /** The numbers of a real server's file checks, in the order of its checks (for status). */
  fileValues(virtualServer: string, realServer: string): (number | undefined)[] {
    return (this.#byServer.get(serverKeyOf(virtualServer, realServer)) ?? [])
      .filter((e) => e.check.spec.type === 'file')
      .map((e) => e.state.fileValue);
  }

  /** Watches the files of the current file checks while started; none while stopped. */
  #syncFileWatches(): void {
    if (!this.#started) return;
    this.#fileWatches.sync(this.#entries);
  }

  /** Starts what is due (within the bound), then sleeps until the next due check. */
  #tick(): void {
    if (!this.#started) return;
    const now = this.#opts.clock();
    const slots = this.#opts.maxConcurrent - this.#running;
    for (const key of this.#queue.takeDue(now, slots, this.#isLive)) {
      const entry = this.#entries.get(key);
      if (entry !== undefined) this.#launch(entry, now);
    }
    if (this.#running >= this.#opts.maxConcurrent) return this.#disarm();
    const wake = this.#queue.nextDueMs(this.#isLive);
    if (wake === this.#wakeMs && this.#timer !== undefined) return;
    this.#disarm();
    if (wake === undefined) return;
    this.#wakeMs = wake;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#wakeMs = undefined;
        this.#tick();
      },
      Math.max(0, wake - now),
    );
  }

  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#wakeMs = undefined;
  }

  #launch(entry: Entry, startMs: number): void {
    entry.running = true;
    this.#running++;
    const { spec, target, timing } = entry.check;
    const signal = this.#abort.signal;
    const p = this.#opts
      .probe(spec, target, { timeoutMs: timing.timeoutMs, signal })
      .then((result) => {
        if (!signal.aborted) this.#complete(entry, result, startMs);
      })
      .finally(() => this.#inflight.delete(p));
    this.#inflight.add(p);
  }

  #complete(entry: Entry, result: ProbeResult, startMs: number): void {
    entry.running = false;
    const current = this.#entries.get(entry.check.key) === entry;
    if (current) this.#running--;
    if (!current) return this.#tick();
    const now = this.#opts.clock();
    entry.state = applyResult(entry.state, result, entry.check.timing).state;
    entry.dueMs = nextProbeDueMs(entry.dueMs, entry.state, entry.check.timing, now);
    this.#queue.push(entry.check.key, entry.dueMs);
    this.#opts.onResult?.({
      check: entry.check,
      result,
      state: entry.state,
      durationMs: now - startMs,
    });
    this.#refreshServer(entry.check.serverKey);
    this.#tick();
  }

  /** Recomputes one server's health from its checks and reports it if it changed. */
  #refreshServer(serverKey: string): void {
    const list = this.#byServer.get(serverKey);
    const first = list?.[0];
    if (list === undefined || first === undefined) return;
    const health = serverHealth(list.map((e) => e.state));
    const known = this.#servers.get(serverKey);
    const prev = known ?? { up: true, weightOverride: undefined, weightDelta: 0 };
    this.#servers.set(serverKey, health);
    if (
      prev.up !== health.up ||
      prev.weightOverride !== health.weightOverride ||
      prev.weightDelta !== health.weightDelta
    ) {
      const { virtualServer, realServer } = first.check;
      this.#opts.onChange({ virtualServer, realServer, health, initial: known === undefined });
    }
  }
}
