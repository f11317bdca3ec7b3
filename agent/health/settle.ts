/**
 * @module A once-only settler for probes: resolves one ProbeResult, runs the cleanup exactly once,
 * and wires the deadline (deadline.ts: only time the agent could run counts) and the abort signal,
 * so that no probe path can throw or leak.
 */
import { fail } from '../core/health/result.js';
import type { ProbeResult } from '../core/health/result.js';
import { startDeadline } from './deadline.js';
import type { ProbeOptions } from './probe-types.js';

export interface Settler {
  promise: Promise<ProbeResult>;
  /** Settles with this result (first call wins) and runs the cleanup. */
  settle: (result: ProbeResult) => void;
  /** True once settled. */
  readonly done: () => boolean;
}

/**
 * `onTimeout` decides what the deadline means (a timeout failure for most probes, a pass for a UDP
 * probe that expects no reply); `cleanup` closes sockets or kills processes.
 */
export function settler(
  opts: ProbeOptions,
  cleanup: () => void,
  onTimeout: () => ProbeResult = () => fail('timeout', `no answer within ${opts.timeoutMs} ms`),
): Settler {
  let done = false;
  let resolve!: (r: ProbeResult) => void;
  const promise = new Promise<ProbeResult>((r) => (resolve = r));
  const onAbort = (): void => settle(fail('error', 'aborted'));
  const cancelDeadline = startDeadline(opts.timeoutMs, () => settle(onTimeout()), {
    onStall: opts.onStall,
  });
  function settle(result: ProbeResult): void {
    if (done) return;
    done = true;
    cancelDeadline();
    opts.signal?.removeEventListener('abort', onAbort);
    try {
      cleanup();
    } finally {
      resolve(result);
    }
  }
  if (opts.signal?.aborted === true) queueMicrotask(onAbort);
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  return { promise, settle, done: () => done };
}
