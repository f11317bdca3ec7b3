/**
 * @module Pushes the agent's status to the control plane (`POST /v1/agent/status`): soon after
 * each apply and transition, and every `intervalMs` (5 s) in between, so that a report is
 * evidence with a known age: each says when it was sent (`sentAt`) and the interval, and the
 * control plane counts it fresh for twice the interval plus a margin
 * (control-plane/store/report-evidence.ts). Reports coalesce (the latest snapshot wins); VRRP
 * transitions accumulate until a report carrying them is accepted, at most `MAX_TRANSITIONS`
 * (the oldest are dropped and counted). A failed post is retried with exponential backoff and
 * full jitter; nothing here ever blocks the dataplane. `finalReport` sends a stopping agent's
 * last report, bounded in time so that shutdown never hangs on an unreachable control plane.
 */
import type { AgentStatusInput, VrrpTransition } from '../../contract/agent-status.js';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from '../core/runtime/backoff.js';
import { NodeHttpClient, statusError, type HttpClient, type HttpRequest } from './http-client.js';

/** The contract's bound on transitions per report. */
export const MAX_TRANSITIONS = 1000;
/** How often the agent reports when nothing changes. */
export const REPORT_INTERVAL_MS = 5_000;

export type StatusSnapshot = Omit<AgentStatusInput, 'transitions' | 'sentAt'>;

export interface StatusReporterOptions {
  url: string;
  token: string;
  /** Periodic report interval (default `REPORT_INTERVAL_MS`), declared in each report. */
  intervalMs?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
  requestTimeoutMs?: number;
  /** Default: a `NodeHttpClient` of its own. */
  http?: HttpClient;
}

export interface StatusReporterEvents {
  /** The snapshot to send, without transitions (the reporter adds them). */
  snapshot(): StatusSnapshot | Promise<StatusSnapshot>;
  onError(error: Error, retryInMs: number): void;
}

export class StatusReporter {
  private transitions: VrrpTransition[] = [];
  /** Transitions dropped because the control plane was unreachable for too long. */
  droppedTransitions = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private again = false;
  private failures = 0;
  private stopped = false;
  private readonly http: HttpClient;

  constructor(
    private readonly options: StatusReporterOptions,
    private readonly events: StatusReporterEvents,
  ) {
    this.http = options.http ?? new NodeHttpClient();
  }

  start(): void {
    this.reportSoon();
  }

  /** Records a transition for the next report, and reports soon. */
  addTransition(transition: VrrpTransition): void {
    this.transitions.push(transition);
    const excess = this.transitions.length - MAX_TRANSITIONS;
    if (excess > 0) {
      this.transitions.splice(0, excess);
      this.droppedTransitions += excess;
    }
    this.reportSoon();
  }

  /** Sends a report as soon as the one in flight (if any) is done. */
  reportSoon(): void {
    if (this.stopped) return;
    if (this.sending) {
      this.again = true;
      return;
    }
    this.arm(0);
  }

  /** Stops reporting; a report in flight completes. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.sending;
  }

  /**
   * Stops reporting and sends `snapshot` (with the transitions not reported yet) as the last
   * report, after the report in flight: all within `timeoutMs`. Resolves whether it was
   * accepted; never rejects.
   */
  async finalReport(snapshot: StatusSnapshot, timeoutMs: number): Promise<boolean> {
    this.stopped = true;
    clearTimeout(this.timer);
    const deadline = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.sending, timeout]);
    clearTimeout(timer);
    const leftMs = deadline - Date.now();
    if (leftMs <= 0) return false;
    try {
      await this.post(snapshot, leftMs);
      return true;
    } catch (error) {
      this.events.onError(error as Error, 0);
      return false;
    }
  }

  private arm(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.sending = this.send().finally(() => (this.sending = undefined));
    }, delayMs);
  }

  /** Posts `snapshot` with the pending transitions; those are dropped once it is accepted. */
  private async post(snapshot: StatusSnapshot, timeoutMs: number): Promise<void> {
    const carried = this.transitions.length;
    const body: AgentStatusInput = {
      ...snapshot,
      sentAt: new Date().toISOString(),
      agent: { ...snapshot.agent, reportIntervalMs: this.intervalMs },
      transitions: this.transitions.slice(0, carried),
    };
    const request: HttpRequest = {
      ...{ method: 'POST', url: new URL('/v1/agent/status', this.options.url), timeoutMs },
      headers: {
        authorization: `Bearer ${this.options.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    };
    const response = await this.http.request(request);
    if (response.status !== 204) throw statusError(request, response);
    this.transitions.splice(0, Math.min(carried, this.transitions.length));
  }

  private get intervalMs(): number {
    return this.options.intervalMs ?? REPORT_INTERVAL_MS;
  }

  private async send(): Promise<void> {
    try {
      const snapshot = await this.events.snapshot();
      if (this.stopped) return; // a final report may be on its way: never overtake it
      await this.post(snapshot, this.options.requestTimeoutMs ?? 10_000);
      this.failures = 0;
      this.next(this.again ? 0 : this.intervalMs);
    } catch (error) {
      const policy = this.options.backoff ?? DEFAULT_BACKOFF;
      const delayMs = backoffDelayMs(
        this.failures++,
        (this.options.random ?? Math.random)(),
        policy,
      );
      this.events.onError(error as Error, delayMs);
      this.next(delayMs);
    }
  }

  private next(delayMs: number): void {
    this.again = false;
    if (!this.stopped) this.arm(delayMs);
  }
}
