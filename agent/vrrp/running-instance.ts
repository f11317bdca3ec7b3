/**
 * @module One VRRP instance as the engine runs it: its plan (instance-plan.ts), the runner around
 * its state machine (instance-runner.ts), its tracked checks and its VIP leases, attached to the
 * shared socket of its interface and family (vrrp-sockets.ts). It starts (not holding its VIPs,
 * RFC 9568 §6.4.1), takes in-place edits in the state it is in (core/vrrp/reconfigure.ts), and
 * stops (resigning if MASTER).
 */
import { effectivePriority, type EffectivePriority } from '../core/vrrp/tracking.js';
import { withMaintenance } from '../core/vrrp/maintenance.js';
import type { HandoverPhase } from '../core/vrrp/machine-types.js';
import { masterDownIntervalMs } from '../core/vrrp/timing.js';
import type { Link, Rtnetlink } from '../linux/rtnetlink/types.js';
import type { Clock } from './clock.js';
import { InstanceRunner, type InstanceTransition } from './instance-runner.js';
import type { PlannedInstance } from './instance-plan.js';
import { TrackedChecks, type VirtualServerHealth } from './tracked-checks.js';
import type { TrackedFiles } from './tracked-files.js';
import type { PreparedScripts } from '../scripts/script-launcher.js';
import { VipLeases, type ResolvedVip } from './vip-leases.js';
import type { VrrpSockets } from './vrrp-sockets.js';

/** Shortest time the settings before an in-place edit stay accepted from peers. */
const MIN_EDIT_GRACE_MS = 10_000;

/** What a running instance needs of the engine. */
export interface InstanceContext {
  rtnetlink: Rtnetlink;
  sockets: VrrpSockets;
  clock: Clock;
  /** The last health decision per virtual server (for virtual-server tracked checks). */
  virtualServers: ReadonlyMap<string, VirtualServerHealth>;
  /** Sends gratuitous ARP / unsolicited NA for `vips` (all of the plan's by default). */
  announce(plan: PlannedInstance, vips?: readonly ResolvedVip[]): void;
  onTransition(transition: InstanceTransition): void;
  /** A maintenance hand-over's phase (core/vrrp/maintenance.ts). */
  onHandover(instance: string, phase: HandoverPhase): void;
  /** Whether the director is in maintenance (core/vrrp/maintenance.ts). */
  maintenance(): boolean;
  /** The effective priority changed (tracked checks, an edit or maintenance). */
  setPriority(instance: string, priority: number): void;
  logError(instance: string, what: string, error: Error, extra?: object): void;
  /** Where tracked files are read and scripts prepared (fakes in tests). */
  trackedCheckPorts: { files: TrackedFiles; scripts: PreparedScripts };
}

export class RunningInstance {
  readonly runner: InstanceRunner;
  private checks: TrackedChecks;

  private constructor(
    public plan: PlannedInstance,
    private readonly leases: VipLeases,
    private readonly ctx: InstanceContext,
  ) {
    const { spec } = plan;
    this.runner = new InstanceRunner(spec.name, plan.machine, spec.garp, {
      clock: ctx.clock,
      leases,
      // Read `this.plan` at the time of use: an in-place edit replaces it.
      sendAdverts: (priority) => ctx.sockets.send(this.plan, priority),
      announce: () => ctx.announce(this.plan),
      onTransition: (t) => ctx.onTransition(t),
      onHandover: (phase) => ctx.onHandover(spec.name, phase),
      onError: (what, error) => ctx.logError(spec.name, `${what} failed`, error),
    });
    this.checks = this.trackedChecks();
  }

  /**
   * Prepares `plan`: its VIPs removed (RFC 9568 §6.4.1: not master yet, so it holds none). The
   * caller registers the instance, then calls `start`: the first transition is reported during
   * `start`, and whoever handles it (notify hooks, sync groups) must find the instance.
   */
  static async create(plan: PlannedInstance, ctx: InstanceContext): Promise<RunningInstance> {
    const { spec } = plan;
    const leases = new VipLeases(
      ctx.rtnetlink,
      plan.vips,
      plan.leaseS,
      (operation, vip, error) =>
        ctx.logError(spec.name, `VIP ${operation} failed`, error, { vip: vip.address }),
      ctx.clock,
    );
    await leases.removeAll();
    return new RunningInstance(plan, leases, ctx);
  }

  /** Starts in Initialize → Backup (or Master as the address owner). */
  start(links: readonly Link[]): void {
    const { plan, runner, ctx } = this;
    const { spec } = plan;
    ctx.sockets.attach(plan, {
      instance: spec.name,
      onAdvert: (advert) => runner.dispatch({ type: 'advert', now: ctx.clock.now(), advert }),
    });
    this.feedChecks(links);
    const now = ctx.clock.now();
    const initial = this.effective(this.checks.results());
    runner.dispatch({ type: 'priority', now, ...initial });
    if (!plan.interface.up) runner.dispatch({ type: 'interface', now, up: false });
    void this.checks.start();
    runner.start();
  }

  /**
   * An in-place edit: the new plan for sending and receiving (the previous expectations stay
   * accepted for a grace period, core/vrrp/receive.ts), tracked checks re-made keeping the
   * verdicts of the unchanged ones, VIPs changed by difference (vip-leases.ts), and the state
   * machine reconfigured (core/vrrp/reconfigure.ts).
   */
  edit(plan: PlannedInstance, fields: readonly string[], links: readonly Link[]): void {
    const previous = this.plan;
    this.plan = plan;
    const { spec } = plan;
    this.acceptPrevious(previous);
    if (fields.includes('trackedChecks')) {
      const old = this.checks;
      this.checks = this.trackedChecks();
      this.checks.carryFrom(old);
      old.stop();
      this.feedChecks(links);
      void this.checks.start();
    }
    const { priority, fault } = this.effective(this.checks.results());
    this.ctx.setPriority(spec.name, priority);
    this.runner.reconfigure({
      config: plan.machine,
      garp: spec.garp,
      priority,
      fault,
      updateVips: async () => {
        const added = await this.leases.update(plan.vips, plan.leaseS);
        if (added.length > 0) this.ctx.announce(plan, added);
      },
    });
  }

  /**
   * The director entered or left maintenance: the machine takes the priority that goes with it,
   * and a master entering it hands over, keeping its VIPs until the new master advertises
   * (core/vrrp/maintenance.ts).
   */
  maintenanceChanged(on: boolean): void {
    const { priority, fault } = this.effective(this.checks.results());
    this.ctx.setPriority(this.plan.spec.name, priority);
    this.runner.dispatch({ type: 'maintenance', now: this.ctx.clock.now(), on, priority, fault });
  }

  /** Base priority, tracked checks and maintenance: what the instance advertises. */
  private effective(results: Parameters<typeof effectivePriority>[1]): EffectivePriority {
    return withMaintenance(
      effectivePriority(this.plan.spec.priority, results),
      this.ctx.maintenance(),
    );
  }

  /** Resigns if MASTER (priority-0 advert, VIPs removed) and leaves the shared socket. */
  async stop(): Promise<void> {
    this.checks.stop();
    await this.runner.stop();
    this.ctx.sockets.detach(this.plan);
  }

  linkChanged(link: Pick<Link, 'name' | 'up'>): void {
    this.checks.linkChanged(link.name, link.up);
    if (this.plan.interface.name === link.name) {
      this.runner.dispatch({ type: 'interface', now: this.ctx.clock.now(), up: link.up });
    }
  }

  virtualServerChanged(name: string, health: VirtualServerHealth): void {
    this.checks.virtualServerChanged(name, health);
  }

  /** The tracked checks of the current spec, feeding the effective priority while current. */
  private trackedChecks(): TrackedChecks {
    const { spec } = this.plan;
    const checks: TrackedChecks = new TrackedChecks(
      spec.trackedChecks,
      (results) => {
        if (this.checks !== checks) return;
        const { priority, fault } = this.effective(results);
        this.ctx.setPriority(spec.name, priority);
        this.runner.dispatch({ type: 'priority', now: this.ctx.clock.now(), priority, fault });
      },
      {
        ...this.ctx.trackedCheckPorts,
        onDisabled: (check, reason) =>
          this.ctx.logError(spec.name, `tracked check ${check} disabled`, new Error(reason)),
      },
    );
    return checks;
  }

  /** Gives the checks the link states and virtual-server decisions known now. */
  private feedChecks(links: readonly Link[]): void {
    for (const link of links) this.checks.linkChanged(link.name, link.up);
    for (const [name, health] of this.ctx.virtualServers)
      this.checks.virtualServerChanged(name, health);
  }

  /** Accepts adverts made with the `previous` settings until the peers have the edit too. */
  private acceptPrevious(previous: PlannedInstance): void {
    const { plan } = this;
    const { previous: _older, ...expected } = previous.receiving;
    const receiving = { ...plan.receiving, previous: expected };
    this.ctx.sockets.expect(plan, receiving);
    const downMs = (p: PlannedInstance) =>
      masterDownIntervalMs(p.spec.version, p.spec.priority, p.spec.advertIntervalCs);
    const graceMs = Math.max(MIN_EDIT_GRACE_MS, 3 * downMs(plan), 3 * downMs(previous));
    this.ctx.clock.after(graceMs, () => {
      const sockets = this.ctx.sockets;
      if (sockets.expectation(plan) === receiving) sockets.expect(plan, plan.receiving);
    });
  }
}
