/**
 * @module The VRRP runtime's clock and timers as one small port, so that the engine runs on the
 * host's monotonic clock (`systemClock`) or on a manual clock in tests
 * (test/support/manual-clock.ts), where a failover scenario runs in-process, deterministic, in
 * milliseconds of real time.
 */
import { setPreciseTimeout } from './precise-timer.js';

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Monotonic milliseconds, sub-millisecond resolution. */
  now(): number;
  /** Calls `fire` after about `delayMs` (a millisecond late is harmless: adverts, leases, GARP). */
  after(delayMs: number, fire: () => void): TimerHandle;
  /** Calls `fire` every `periodMs` until cancelled. */
  every(periodMs: number, fire: () => void): TimerHandle;
  /**
   * Calls `fire(now)` once `now() >= deadlineMs`, as close after it as the CPU allows: the
   * timers whose expiry is a takeover instant (the Master_Down_Timer; precise-timer.ts).
   */
  at(deadlineMs: number, fire: (nowMs: number) => void): TimerHandle;
}

/** The host's clock: `performance.now()`, Node's timers, the precise timer. */
export const systemClock: Clock = {
  now: () => performance.now(),
  after(delayMs, fire) {
    const handle = setTimeout(fire, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(handle) };
  },
  every(periodMs, fire) {
    const handle = setInterval(fire, periodMs);
    return { cancel: () => clearInterval(handle) };
  },
  at(deadlineMs, fire) {
    return setPreciseTimeout(deadlineMs, () => performance.now(), fire);
  },
};
