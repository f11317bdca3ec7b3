/**
 * @module A probe's deadline that counts only the time the agent could run.
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
 */
import { performance } from 'node:perf_hooks';

/** Lateness of the deadline timer below this is ordinary timer slack, not a stall. */
export const STALL_TOLERANCE_MS = 50;

export interface DeadlineOptions {
  /** Called with each extension: how late the timer fired, and the time added. */
  onStall?: ((lateMs: number, extendedMs: number) => void) | undefined;
  /** Monotonic milliseconds; default performance.now. */
  clock?: () => number;
}

/** Calls `onExpire` once `timeoutMs` of runnable time has passed; returns a cancel function. */
export function startDeadline(
  timeoutMs: number,
  onExpire: () => void,
  opts: DeadlineOptions = {},
): () => void {
  const clock = opts.clock ?? (() => performance.now());
  let dueAtMs = clock() + timeoutMs;
  let extensionBudgetMs = timeoutMs;
  let timer: NodeJS.Timeout | undefined = setTimeout(fire, timeoutMs);
  let immediate: NodeJS.Immediate | undefined;

  function fire(): void {
    timer = undefined;
    const lateMs = clock() - dueAtMs;
    if (lateMs > STALL_TOLERANCE_MS && extensionBudgetMs > 0) {
      const extendedMs = Math.min(lateMs, extensionBudgetMs);
      extensionBudgetMs -= extendedMs;
      dueAtMs = clock() + extendedMs;
      timer = setTimeout(fire, extendedMs);
      opts.onStall?.(lateMs, extendedMs);
      return;
    }
    immediate = setImmediate(onExpire);
  }

  return () => {
    if (timer !== undefined) clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
  };
}
