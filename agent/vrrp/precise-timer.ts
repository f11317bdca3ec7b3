/**
 * @module A one-shot timer that fires at a monotonic deadline to within a fraction of a
 * millisecond, for the timers whose expiry is the takeover instant (Master_Down_Timer).
 *
 * Node's `setTimeout` is not precise enough on its own, for two reasons:
 * - libuv keeps time in whole milliseconds, so a timer fires up to ~1 ms after its deadline;
 * - libuv sleeps in `epoll_wait`, and the kernel lets a poll timeout expire late by 0.1% of its
 *   length for normal tasks (`select_estimate_accuracy`, fs/select.c): 3.6 ms on a 3.6 s
 *   Master_Down_Interval, more than the whole budget keepalived needs to take over.
 * So the timer sleeps in two stages that each end early: one long sleep that ends
 * `slack + margin` before the deadline, one short sleep (its slack is microseconds) that ends
 * about a millisecond before it, then a busy-wait for the rest. The busy-wait costs at most
 * `SPIN_MS` of CPU, once per expiry: the Master_Down_Timer is re-armed by every advert and
 * only expires when a takeover is due.
 */

/**
 * How early, as a fraction of the sleep, the first stage ends: twice the kernel's poll slack for a
 * nice-0 task (1/1000 of the timeout, fs/select.c), as a margin.
 */
const POLL_SLACK_FRACTION = 0.002;
/** How long before the deadline the last sleep ends; libuv's rounding is below 1 ms. */
const SPIN_MS = 1.5;

export interface PreciseTimer {
  cancel(): void;
}

/**
 * Calls `fire(now)` once `now() >= deadlineMs`, as close after it as the CPU allows.
 * `now` is a monotonic millisecond clock with sub-millisecond resolution
 * (`performance.now`).
 */
export function setPreciseTimeout(
  deadlineMs: number,
  now: () => number,
  fire: (nowMs: number) => void,
): PreciseTimer {
  let handle: NodeJS.Timeout | undefined;
  let cancelled = false;
  const stage = (): void => {
    handle = undefined;
    if (cancelled) return;
    const remainingMs = deadlineMs - now();
    const sleepMs = Math.floor(remainingMs - SPIN_MS - remainingMs * POLL_SLACK_FRACTION);
    if (sleepMs >= 1) {
      handle = setTimeout(stage, sleepMs);
      return;
    }
    let t = now();
    while (t < deadlineMs) t = now(); // at most SPIN_MS + libuv's sub-millisecond rounding
    fire(t);
  };
  stage();
  return {
    cancel() {
      cancelled = true;
      clearTimeout(handle);
    },
  };
}
