/**
 * @module When gratuitous ARP / unsolicited NA go out after becoming MASTER, with keepalived's
 * knobs (`garp_master_repeat`, `garp_master_delay`, `garp_master_refresh`, `garp_interval`;
 * defaults in keepalived/include/vrrp.h `VRRP_GARP_*`, keywords in keepalived/vrrp/vrrp_parser.c,
 * semantics in keepalived.conf(5)): a burst of `masterRepeat` at once (RFC 9568 §6.4.2, §8.1.2),
 * a second burst `masterDelayS` later, and a refresh every `masterRefreshS` while MASTER.
 * `intervalMs` spaces the packets of a burst (0 = back to back).
 */
import type { DirectorVrrpInstance } from '../../contract/vrrp-instance.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';

export type GarpSettings = DirectorVrrpInstance['garp'];

export class GarpSchedule {
  private readonly timers = new Set<TimerHandle>();
  private refresh: TimerHandle | undefined;

  constructor(
    private settings: GarpSettings,
    private readonly announce: () => void,
    private readonly clock: Clock = systemClock,
  ) {}

  /** New settings (an in-place edit): later bursts use them; a running refresh restarts. */
  update(settings: GarpSettings): void {
    const refreshChanged = settings.masterRefreshS !== this.settings.masterRefreshS;
    this.settings = settings;
    if (this.refresh === undefined || !refreshChanged) return;
    this.refresh.cancel();
    this.refresh = undefined;
    if (settings.masterRefreshS > 0) {
      this.refresh = this.clock.every(settings.masterRefreshS * 1000, () => this.burst(1));
    }
  }

  /** First burst now; second burst and refresh scheduled. */
  start(): void {
    this.stop();
    this.burst(this.settings.masterRepeat);
    if (this.settings.masterDelayS > 0) {
      this.later(this.settings.masterDelayS * 1000, () => this.burst(this.settings.masterRepeat));
    }
    if (this.settings.masterRefreshS > 0) {
      this.refresh = this.clock.every(this.settings.masterRefreshS * 1000, () => this.burst(1));
    }
  }

  stop(): void {
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
    this.refresh?.cancel();
    this.refresh = undefined;
  }

  private burst(count: number): void {
    if (this.settings.intervalMs === 0) {
      for (let i = 0; i < count; i++) this.announce();
      return;
    }
    this.announce();
    for (let i = 1; i < count; i++) this.later(i * this.settings.intervalMs, () => this.announce());
  }

  private later(delayMs: number, action: () => void): void {
    const timer = this.clock.after(delayMs, () => {
      this.timers.delete(timer);
      action();
    });
    this.timers.add(timer);
  }
}
