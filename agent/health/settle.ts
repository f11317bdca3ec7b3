/**
 * @module A once-only settler for probes: resolves one ProbeResult, runs the cleanup exactly once,
 * and wires the deadline (deadline.ts: only time the agent could run counts) and the abort signal,
 * so that no probe path can throw or leak.
 *
 * Per probe this is one object and its promise: the deadline is an entry of the shared wheel
 * (deadline.ts), and an abort signal gets one listener for all the probes it covers, not one per
 * probe (the runner shares one signal across thousands of probes; EventTarget's listener removal
 * walks its list).
 */
import { fail } from '../core/health/result.js';
import type { ProbeResult } from '../core/health/result.js';
import { IDLE_DEADLINE, probeDeadlines } from './deadline.js';
import type { DeadlineEntry, DeadlineList, DeadlineState } from './deadline.js';
import type { ProbeOptions } from './probe-types.js';

export interface Settler {
  promise: Promise<ProbeResult>;
  /** Settles with this result (first call wins) and runs the cleanup. */
  settle: (result: ProbeResult) => void;
  /** True once settled. */
  readonly done: () => boolean;
}

/** The probes in flight under each abort signal; one listener per signal settles them all. */
const probesBySignal = new WeakMap<AbortSignal, Set<ProbeSettler>>();

function watchAbort(signal: AbortSignal, probe: ProbeSettler): void {
  let probes = probesBySignal.get(signal);
  if (probes === undefined) {
    const set = new Set<ProbeSettler>();
    probes = set;
    probesBySignal.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        const aborted = [...set];
        set.clear();
        for (const p of aborted) p.settle(fail('error', 'aborted'));
      },
      { once: true },
    );
  }
  probes.add(probe);
}

class ProbeSettler implements Settler, DeadlineEntry {
  readonly promise: Promise<ProbeResult>;
  #resolve!: (result: ProbeResult) => void;
  #done = false;
  readonly #opts: ProbeOptions;
  readonly #cleanup: () => void;
  readonly #onTimeout: (() => ProbeResult) | undefined;
  deadlineState: DeadlineState = IDLE_DEADLINE.deadlineState;
  dueAtMs = 0;
  extensionBudgetMs = 0;
  deadlineList: DeadlineList | undefined;
  deadlinePrev: DeadlineEntry | undefined;
  deadlineNext: DeadlineEntry | undefined;

  constructor(opts: ProbeOptions, cleanup: () => void, onTimeout: (() => ProbeResult) | undefined) {
    this.promise = new Promise<ProbeResult>((r) => (this.#resolve = r));
    this.#opts = opts;
    this.#cleanup = cleanup;
    this.#onTimeout = onTimeout;
  }

  settle(result: ProbeResult): void {
    if (this.#done) return;
    this.#done = true;
    probeDeadlines.cancel(this);
    const signal = this.#opts.signal;
    if (signal !== undefined) probesBySignal.get(signal)?.delete(this);
    try {
      this.#cleanup();
    } finally {
      this.#resolve(result);
    }
  }

  done(): boolean {
    return this.#done;
  }

  expire(): void {
    this.settle(
      this.#onTimeout?.() ?? fail('timeout', `no answer within ${this.#opts.timeoutMs} ms`),
    );
  }

  stalled(lateMs: number, extendedMs: number): void {
    this.#opts.onStall?.(lateMs, extendedMs);
  }
}

/**
 * `onTimeout` decides what the deadline means (a timeout failure for most probes, a pass for a UDP
 * probe that expects no reply); `cleanup` closes sockets or kills processes.
 */
export function settler(
  opts: ProbeOptions,
  cleanup: () => void,
  onTimeout?: () => ProbeResult,
): Settler {
  const s = new ProbeSettler(opts, cleanup, onTimeout);
  probeDeadlines.start(s, opts.timeoutMs);
  const signal = opts.signal;
  if (signal?.aborted === true) queueMicrotask(() => s.settle(fail('error', 'aborted')));
  else if (signal !== undefined) watchAbort(signal, s);
  return s;
}
