/**
 * @module Pure scheduling of checks: a deterministic per-check phase (so N checks with the same
 * interval do not fire together, like keepalived's random `warmup` but reproducible), drift-free
 * next-due times, and which due checks may start under a concurrency bound.
 */

/** FNV-1a 32-bit hash of a string's UTF-16 code units. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A check's fixed phase within its interval: 0 ≤ offset < intervalMs, stable per key. */
export function phaseOffsetMs(key: string, intervalMs: number): number {
  if (intervalMs <= 1) return 0;
  return hashKey(key) % Math.floor(intervalMs);
}

/** First due time of a newly started check: its phase within the current interval, in the future. */
export function firstDueMs(key: string, intervalMs: number, nowMs: number): number {
  return nowMs + phaseOffsetMs(key, intervalMs);
}

/**
 * Next due time after a run that was due at `dueMs`: one interval later, skipping whole intervals
 * missed (a slow probe or a busy loop) instead of firing a burst to catch up.
 */
export function nextDueMs(dueMs: number, intervalMs: number, nowMs: number): number {
  const next = dueMs + intervalMs;
  if (next > nowMs) return next;
  const missed = Math.floor((nowMs - next) / intervalMs) + 1;
  return next + missed * intervalMs;
}

export interface DueCheck {
  key: string;
  dueMs: number;
}

/**
 * Which due checks to start now: at most `maxConcurrent − running`, oldest due first (ties by key,
 * so the choice is deterministic). Checks already running are never started twice.
 */
export function pickToStart(
  due: readonly DueCheck[],
  running: ReadonlySet<string>,
  maxConcurrent: number,
  nowMs: number,
): string[] {
  const slots = maxConcurrent - running.size;
  if (slots <= 0) return [];
  return due
    .filter((d) => d.dueMs <= nowMs && !running.has(d.key))
    .sort((a, b) => a.dueMs - b.dueMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, slots)
    .map((d) => d.key);
}

/** When the scheduler next needs to wake: the earliest due time, or undefined when idle. */
export function nextWakeMs(due: readonly DueCheck[]): number | undefined {
  let min: number | undefined;
  for (const d of due) if (min === undefined || d.dueMs < min) min = d.dueMs;
  return min;
}

/**
 * Next due time after a probe that was due at `dueMs` and ended at `nowMs`, leaving its check in
 * `state`. keepalived (check_tcp.c tcp_epoll_thread() and the other checkers) retries a failure
 * that has retries left after `delay_before_retry`, counted from the failure, and otherwise probes
 * every `delay_loop`: a check that is up with failures counting toward `fall` waits
 * `retryIntervalMs` (defaulting to `intervalMs`); every other probe keeps its phase.
 */
export function nextProbeDueMs(
  dueMs: number,
  state: { up: boolean; failures: number },
  timing: { intervalMs: number; retryIntervalMs?: number | undefined },
  nowMs: number,
): number {
  if (state.up && state.failures > 0 && timing.retryIntervalMs !== undefined) {
    return nowMs + timing.retryIntervalMs;
  }
  return nextDueMs(dueMs, timing.intervalMs, nowMs);
}
