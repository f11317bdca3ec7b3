/**
 * @module The shell around one instance's pure state machine (core/vrrp/machine.ts): feeds it
 * events stamped with the monotonic clock, sleeps until its next deadline, and performs its
 * effects in order on a serial I/O queue (advert, VIP leases, gratuitous ARP / NA, transition
 * report), so a quick master → backup flip can never remove VIPs before they were added.
 */
import { initialState, nextWakeup, step } from '../core/vrrp/machine.js';
import type {
  HandoverPhase,
  TransitionReason,
  VrrpEvent,
  VrrpMachineConfig,
  VrrpState,
  VrrpStateName,
} from '../core/vrrp/machine.js';
import type { VipLeases } from './vip-leases.js';
import { GarpSchedule, type GarpSettings } from './garp-schedule.js';
import type { Clock, TimerHandle } from './clock.js';

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

export interface RunnerDeps {
  clock: Clock;
  /** Sends the instance's adverts with `priority` to every destination. */
  sendAdverts(priority: number): Promise<void>;
  leases: VipLeases;
  /** Sends one GARP / unsolicited NA per VIP now. */
  announce(): void;
  /** Called once the transition's I/O is done (VIPs added or removed). */
  onTransition(transition: InstanceTransition): void;
  /** A maintenance hand-over's phase (core/vrrp/maintenance.ts), after the advert it sent. */
  onHandover(phase: HandoverPhase): void;
  onError(what: string, error: Error): void;
}

export class InstanceRunner {
  private machine: VrrpState;
  private timer: TimerHandle | undefined;
  private io: Promise<void> = Promise.resolve();
  /** Tasks queued on `io` and not finished. */
  private pending = 0;
  /** Adverts handed to the socket and not yet written (stop waits for the resignation). */
  private readonly sends = new Set<Promise<void>>();
  private readonly garp: GarpSchedule;
  private stopped = false;

  constructor(
    readonly name: string,
    private config: VrrpMachineConfig,
    garpSettings: GarpSettings,
    private readonly deps: RunnerDeps,
  ) {
    this.machine = initialState(config);
    this.garp = new GarpSchedule(garpSettings, () => deps.announce(), deps.clock);
  }

  get state(): VrrpState {
    return this.machine;
  }

  start(): void {
    this.dispatch({ type: 'startup', now: this.deps.clock.now() });
  }

  /** Resigns if master (priority-0 advert, VIPs removed) and stops; resolves when done. */
  async stop(): Promise<void> {
    this.dispatch({ type: 'shutdown', now: this.deps.clock.now() });
    this.stopped = true;
    this.timer?.cancel();
    await this.io;
    await Promise.all(this.sends);
  }

  /**
   * An in-place edit (contract/vrrp-identity.ts): the machine keeps its state and timers and
   * takes the new settings (core/vrrp/reconfigure.ts). `updateVips` runs on the I/O queue, after
   * any VIP change already queued and before the advert that carries the new list.
   */
  reconfigure(change: {
    config: VrrpMachineConfig;
    garp: GarpSettings;
    priority: number;
    fault: boolean;
    updateVips: () => Promise<void>;
  }): void {
    if (this.stopped) return;
    this.config = change.config;
    this.garp.update(change.garp);
    this.enqueue('vip update', change.updateVips);
    this.dispatch({
      type: 'reconfigure',
      now: this.deps.clock.now(),
      priority: change.priority,
      fault: change.fault,
    });
  }

  /** Feeds one event (stamped by the caller or now) and performs the resulting effects. */
  dispatch(event: VrrpEvent): void {
    if (this.stopped) return;
    const { state, effects } = step(this.machine, event, this.config);
    this.machine = state;
    for (const effect of effects) {
      switch (effect.type) {
        case 'sendAdvert':
          this.enqueue('advert', async () => {
            const sending = this.deps.sendAdverts(effect.priority).catch((error: unknown) => {
              this.deps.onError('advert', error as Error);
            });
            this.sends.add(sending);
            void sending.then(() => this.sends.delete(sending));
            // A new master's VIPs need not wait for its advert to be written. A resignation
            // (priority 0, RFC 9568 §6.4.3) goes out before anything else is done: the backup's
            // takeover clock starts when it arrives.
            if (effect.priority === 0) await sending;
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
        case 'handover': {
          // Handing over, its gratuitous ARPs stop (a late burst or a refresh would pull the
          // traffic back from the new master); kept or resumed, it announces again, as a new
          // master may have taken the traffic meanwhile.
          const { phase } = effect;
          if (phase === 'started') this.garp.stop();
          this.enqueue('handover', async () => {
            if (phase !== 'started') this.garp.start();
            this.deps.onHandover(phase);
          });
          break;
        }
      }
    }
    this.schedule();
  }

  /**
   * Runs `task` after the tasks already queued. An idle queue starts it at once, in the caller's
   * turn: a resignation's advert must not wait behind whatever else runs before the next
   * microtask checkpoint (logging, the other instances' shutdown).
   */
  private enqueue(what: string, task: () => Promise<void>): void {
    const run = async (): Promise<void> => {
      try {
        await task();
      } catch (error) {
        this.deps.onError(what, error as Error);
      } finally {
        this.pending -= 1;
      }
    };
    this.io = this.pending++ === 0 ? run() : this.io.then(run);
  }

  private schedule(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const deadline = nextWakeup(this.machine);
    if (deadline === undefined || this.stopped) return;
    const { clock } = this.deps;
    const fire = (now: number): void => this.dispatch({ type: 'timer', now });
    if (this.machine.name === 'backup') {
      // The Master_Down_Timer's expiry is the takeover instant: keep it to the sub-millisecond.
      this.timer = clock.at(deadline, fire);
      return;
    }
    // Advert and preempt-delay timers: a millisecond late is harmless, and no CPU is spent.
    this.timer = clock.after(Math.ceil(deadline - clock.now()), () => fire(clock.now()));
  }
}
