/**
 * @module Simulated time for in-process VRRP scenarios: one timeline shared by every simulated
 * host, a `Clock` (agent/vrrp/clock.ts) per host, and `advance(ms)` that runs the due timers in
 * time order, letting each timer's promises settle before the next (the engine's I/O runs on
 * promises). A host's clock can be killed: its timers never fire again, as with kill -9, while
 * the host's kernel (its own clock) keeps going.
 */
import type { Clock, TimerHandle } from '../../../agent/vrrp/clock.js';

interface Timer {
  atMs: number;
  seq: number;
  owner: string;
  periodMs?: number;
  fire: (nowMs: number) => void;
  cancelled: boolean;
}

/** Lets queued promise reactions and immediates run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export class SimTime {
  private nowMs = 0;
  private seq = 0;
  private readonly timers: Timer[] = [];
  private readonly dead = new Set<string>();

  get now(): number {
    return this.nowMs;
  }

  /** The clock of `owner` (a host's agent, or its kernel). */
  clock(owner: string): Clock {
    const add = (atMs: number, fire: (now: number) => void, periodMs?: number): TimerHandle => {
      const timer: Timer = { atMs, seq: this.seq++, owner, fire, cancelled: false };
      if (periodMs !== undefined) timer.periodMs = Math.max(1, periodMs);
      this.timers.push(timer);
      return { cancel: () => void (timer.cancelled = true) };
    };
    return {
      now: () => this.nowMs,
      after: (delayMs, fire) => add(this.nowMs + Math.max(0, delayMs), () => fire()),
      every: (periodMs, fire) => add(this.nowMs + periodMs, () => fire(), periodMs),
      at: (deadlineMs, fire) => add(Math.max(deadlineMs, this.nowMs), fire),
    };
  }

  /** `owner`'s timers never fire again (its process was killed). */
  kill(owner: string): void {
    this.dead.add(owner);
  }

  /** Runs every timer due within the next `ms`, in time order; time ends `ms` later. */
  async advance(ms: number): Promise<void> {
    const endMs = this.nowMs + ms;
    await settle();
    for (;;) {
      const live = this.timers.filter((t) => !t.cancelled && !this.dead.has(t.owner));
      const next = live.reduce<Timer | undefined>(
        (a, t) =>
          a === undefined || t.atMs < a.atMs || (t.atMs === a.atMs && t.seq < a.seq) ? t : a,
        undefined,
      );
      if (next === undefined || next.atMs > endMs) break;
      this.nowMs = Math.max(this.nowMs, next.atMs);
      if (next.periodMs === undefined) next.cancelled = true;
      else next.atMs += next.periodMs;
      next.fire(this.nowMs);
      await settle();
    }
    for (let i = this.timers.length - 1; i >= 0; i--)
      if (this.timers[i]!.cancelled) this.timers.splice(i, 1);
    this.nowMs = endMs;
    await settle();
  }
}
