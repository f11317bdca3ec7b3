/**
 * @module The shell around one instance's pure state machine (core/vrrp/machine.ts): feeds it
 * events stamped with the monotonic clock, sleeps until its next deadline, and performs its
 * effects in order on a serial I/O queue (advert, VIP leases, gratuitous ARP / NA, transition
 * report), so a quick master → backup flip can never remove VIPs before they were added.
 */
import { initialState, nextWakeup, step } from '../core/vrrp/machine.js';
import type {
  TransitionReason,
  VrrpEvent,
  VrrpMachineConfig,
  VrrpState,
  VrrpStateName,
} from '../core/vrrp/machine.js';
import type { VipLeases } from './vip-leases.js';
import { GarpSchedule, type GarpSettings } from './garp-schedule.js';

/** A state change, as the engine reports it (log, metrics, notify hooks, sync group, guard). */
export interface InstanceTransition {
  instance: string;
  from: VrrpStateName;
  to: VrrpStateName;
  reason: TransitionReason;
  priority: number;
  /** Monotonic ms of the event that caused it. */
  at: number;
}

/** How early a backup wakes before its Master_Down_Timer expires (see `schedule`). */
const PRECISE_WAKE_EARLY_MS = 2;

export interface RunnerDeps {
  /** Monotonic milliseconds. */
  now(): number;
  /** Sends the instance's adverts with `priority` to every destination. */
  sendAdverts(priority: number): Promise<void>;
  leases: VipLeases;
  /** Sends one GARP / unsolicited NA per VIP now. */
  announce(): void;
  /** Called once the transition's I/O is done (VIPs added or removed). */
  onTransition(transition: InstanceTransition): void;
  onError(what: string, error: Error): void;
}

export class InstanceRunner {
  private machine: VrrpState;
  private timer: NodeJS.Timeout | undefined;
  private io: Promise<void> = Promise.resolve();
  /** Adverts handed to the socket and not yet written (stop waits for the resignation). */
  private readonly sends = new Set<Promise<void>>();
  private readonly garp: GarpSchedule;
  private stopped = false;

  constructor(
    readonly name: string,
    private readonly config: VrrpMachineConfig,
    garpSettings: GarpSettings,
    private readonly deps: RunnerDeps,
  ) {
    this.machine = initialState(config);
    this.garp = new GarpSchedule(garpSettings, () => deps.announce());
  }

  get state(): VrrpState {
    return this.machine;
  }

  start(): void {
    this.dispatch({ type: 'startup', now: this.deps.now() });
  }

  /** Resigns if master (priority-0 advert, VIPs removed) and stops; resolves when done. */
  async stop(): Promise<void> {
    this.dispatch({ type: 'shutdown', now: this.deps.now() });
    this.stopped = true;
    clearTimeout(this.timer);
    await this.io;
    await Promise.all(this.sends);
  }

  /** Feeds one event (stamped by the caller or now) and performs the resulting effects. */
  dispatch(event: VrrpEvent): void {
    if (this.stopped) return;
    const { state, effects } = step(this.machine, event, this.config);
    this.machine = state;
    for (const effect of effects) {
      switch (effect.type) {
        case 'sendAdvert':
          // Issued in order but not awaited: the VIPs need not wait for the send to complete.
          this.enqueue('advert', async () => {
            const sending = this.deps.sendAdverts(effect.priority).catch((error: unknown) => {
              this.deps.onError('advert', error as Error);
            });
            this.sends.add(sending);
            void sending.then(() => this.sends.delete(sending));
          });
          break;
        case 'becomeMaster':
          this.enqueue('vip add', async () => {
            await this.deps.leases.acquire();
            this.garp.start();
          });
          break;
        case 'becomeBackup':
          this.garp.stop();
          this.enqueue('vip remove', () => this.deps.leases.release());
          break;
        case 'transition': {
          const transition: InstanceTransition = {
            instance: this.name,
            ...effect,
            priority: state.priority,
            at: event.now,
          };
          this.enqueue('transition', async () => this.deps.onTransition(transition));
          break;
        }
      }
    }
    this.schedule();
  }

  private enqueue(what: string, task: () => Promise<void>): void {
    this.io = this.io.then(task).catch((error: unknown) => this.deps.onError(what, error as Error));
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const deadline = nextWakeup(this.machine);
    if (deadline === undefined || this.stopped) return;
    const delayMs = deadline - this.deps.now();
    if (this.machine.name !== 'backup') {
      const wakeMs = Math.max(0, Math.ceil(delayMs));
      this.timer = setTimeout(() => this.dispatch({ type: 'timer', now: this.deps.now() }), wakeMs);
      return;
    }
    // The Master_Down_Timer decides the takeover time. Node's timers are whole milliseconds and
    // fire up to ~1 ms late; wake a little early and wait out the rest, so that takeover happens
    // at the protocol's instant. It only ever expires once per takeover, so the wait is cheap.
    const wakeMs = Math.max(0, Math.floor(delayMs - PRECISE_WAKE_EARLY_MS));
    this.timer = setTimeout(() => {
      while (this.deps.now() < deadline) {
        // busy-wait: at most PRECISE_WAKE_EARLY_MS
      }
      this.dispatch({ type: 'timer', now: this.deps.now() });
    }, wakeMs);
  }
}
