/**
 * @module Probe deadlines that count only the time the agent could run, all on one timer.
 *
 * A timer that fires late means the agent itself was stalled: a long synchronous task in its own
 * event loop (a cold import, a big document) or a host that did not schedule the process. What
 * the real server sent meanwhile is still unread, and a probe that needs several round trips
 * (connect, request, reply) did not get them. Counting that as the server's timeout marks healthy
 * servers down exactly when the director is busiest; keepalived's checker has the same blind spot.
 *
 * So an expired deadline (1) is extended by the time the timer fired late, when that exceeds
 * `STALL_TOLERANCE_MS`, up to `timeoutMs` in all, and (2) when it does expire, decides only after
 * the I/O already received is handled: `setImmediate` runs after libuv's poll phase.
 *
 * One `DeadlineWheel` holds every probe's deadline: a FIFO list per duration (deadlines of one
 * duration, started in clock order, fall due in the same order) and one timer for the earliest
 * head, as Node's own timer lists do, but with no Timeout object, async id or closure per probe;
 * the expiries of one firing share one `setImmediate`. An entry is the probe's own object
 * (settle.ts), so starting and cancelling a deadline allocates nothing.
 */
import { performance } from 'node:perf_hooks';

/** Lateness of the deadline timer below this is ordinary timer slack, not a stall. */
export const STALL_TOLERANCE_MS = 50;

/** What a deadline calls back; the fields are the wheel's bookkeeping (a new entry: `IDLE_DEADLINE`). */
export interface DeadlineEntry {
  /** The deadline passed (after the I/O already received was handled). */
  expire(): void;
  /** The deadline was extended because the timer fired `lateMs` late (the agent was stalled). */
  stalled(lateMs: number, extendedMs: number): void;
  deadlineState: DeadlineState;
  dueAtMs: number;
  extensionBudgetMs: number;
  deadlineList: DeadlineList | undefined;
  deadlinePrev: DeadlineEntry | undefined;
  deadlineNext: DeadlineEntry | undefined;
}

/** Idle (none, or cancelled), Waiting (in a list) or Expiring (due, its expiry queued after I/O). */
export type DeadlineState = typeof IDLE | typeof WAITING | typeof EXPIRING;
const IDLE = 0;
const WAITING = 1;
const EXPIRING = 2;

/** The wheel's fields of an entry with no deadline, to spread into a new entry. */
export const IDLE_DEADLINE = Object.freeze({
  deadlineState: IDLE as DeadlineState,
  dueAtMs: 0,
  extensionBudgetMs: 0,
  deadlineList: undefined,
  deadlinePrev: undefined,
  deadlineNext: undefined,
});

/** The deadlines of one duration, oldest (first due) at the head. */
export interface DeadlineList {
  durationMs: number;
  head: DeadlineEntry | undefined;
  tail: DeadlineEntry | undefined;
}

/** The clock and timers a wheel runs on (Node's by default; a manual set in tests). */
export interface WheelTimers {
  /** Monotonic milliseconds. */
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  /** Runs `fn` after the I/O of this loop turn (setImmediate). */
  afterIo(fn: () => void): void;
}

const NODE_TIMERS: WheelTimers = {
  now: () => performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
  afterIo: (fn) => setImmediate(fn),
};

export class DeadlineWheel {
  readonly #timers: WheelTimers;
  readonly #lists = new Map<number, DeadlineList>();
  #timer: unknown;
  /** When the armed timer is due (clock ms); Infinity when none is armed. */
  #armedAtMs = Infinity;
  #expiring: DeadlineEntry[] = [];
  readonly #fire = (): void => this.#onTimer();
  readonly #runExpiring = (): void => this.#expireBatch();

  constructor(timers: WheelTimers = NODE_TIMERS) {
    this.#timers = timers;
  }

  /** Starts `entry`'s deadline: `expire` after `timeoutMs` of runnable time. */
  start(entry: DeadlineEntry, timeoutMs: number): void {
    entry.extensionBudgetMs = timeoutMs;
    this.#insert(entry, timeoutMs, this.#timers.now());
  }

  /** Cancels `entry`'s deadline, whether waiting or about to expire. */
  cancel(entry: DeadlineEntry): void {
    if (entry.deadlineState === WAITING) this.#unlink(entry);
    entry.deadlineState = IDLE;
    if (this.#lists.size === 0 && this.#timer !== undefined) this.#disarm();
  }

  #insert(entry: DeadlineEntry, durationMs: number, nowMs: number): void {
    let list = this.#lists.get(durationMs);
    if (list === undefined) {
      list = { durationMs, head: undefined, tail: undefined };
      this.#lists.set(durationMs, list);
    }
    entry.dueAtMs = nowMs + durationMs;
    entry.deadlineState = WAITING;
    entry.deadlineList = list;
    entry.deadlinePrev = list.tail;
    entry.deadlineNext = undefined;
    if (list.tail === undefined) list.head = entry;
    else list.tail.deadlineNext = entry;
    list.tail = entry;
    if (entry.dueAtMs < this.#armedAtMs) this.#arm(entry.dueAtMs, nowMs);
  }

  #unlink(entry: DeadlineEntry): void {
    const list = entry.deadlineList!;
    if (entry.deadlinePrev === undefined) list.head = entry.deadlineNext;
    else entry.deadlinePrev.deadlineNext = entry.deadlineNext;
    if (entry.deadlineNext === undefined) list.tail = entry.deadlinePrev;
    else entry.deadlineNext.deadlinePrev = entry.deadlinePrev;
    entry.deadlineList = entry.deadlinePrev = entry.deadlineNext = undefined;
    if (list.head === undefined) this.#lists.delete(list.durationMs);
  }

  #arm(dueAtMs: number, nowMs: number): void {
    if (this.#timer !== undefined) this.#timers.clearTimer(this.#timer);
    this.#armedAtMs = dueAtMs;
    this.#timer = this.#timers.setTimer(this.#fire, Math.max(1, Math.ceil(dueAtMs - nowMs)));
  }

  #disarm(): void {
    this.#timers.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#armedAtMs = Infinity;
  }

  #onTimer(): void {
    this.#timer = undefined;
    this.#armedAtMs = Infinity;
    const nowMs = this.#timers.now();
    const due: DeadlineEntry[] = [];
    for (const list of this.#lists.values()) {
      while (list.head !== undefined && list.head.dueAtMs <= nowMs) {
        const entry = list.head;
        this.#unlink(entry);
        due.push(entry);
      }
    }
    for (const entry of due) this.#due(entry, nowMs);
    let next = Infinity;
    for (const list of this.#lists.values()) next = Math.min(next, list.head!.dueAtMs);
    if (next < this.#armedAtMs) this.#arm(next, nowMs);
  }

  /** A deadline fell due at `nowMs`: extended if the timer was late, else expires after I/O. */
  #due(entry: DeadlineEntry, nowMs: number): void {
    const lateMs = nowMs - entry.dueAtMs;
    if (lateMs > STALL_TOLERANCE_MS && entry.extensionBudgetMs > 0) {
      const extendedMs = Math.ceil(Math.min(lateMs, entry.extensionBudgetMs));
      entry.extensionBudgetMs -= extendedMs;
      this.#insert(entry, extendedMs, nowMs);
      entry.stalled(lateMs, extendedMs);
      return;
    }
    entry.deadlineState = EXPIRING;
    if (this.#expiring.push(entry) === 1) this.#timers.afterIo(this.#runExpiring);
  }

  #expireBatch(): void {
    const batch = this.#expiring;
    this.#expiring = [];
    for (const entry of batch) {
      if (entry.deadlineState !== EXPIRING) continue;
      entry.deadlineState = IDLE;
      entry.expire();
    }
  }
}

/** The wheel every probe of this process uses. */
export const probeDeadlines = new DeadlineWheel();
