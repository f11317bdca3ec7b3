/**
 * @module The VRRP engine: runs a director's VRRP instances on the host. It resolves each
 * instance against the interfaces (instance-plan.ts), removes VIPs it does not own yet, shares
 * one socket per interface and family among its instances (vrrp-sockets.ts), applies edits in
 * place when an instance keeps its identity, feeds link changes and tracked checks to the
 * state machines, makes sync groups move together, keeps the crash guard armed with the
 * resignations of the instances that are MASTER, and reports every transition.
 */
import { EventEmitter } from 'node:events';
import type { DirectorVrrpInstance } from '../../contract/vrrp-instance.js';
import { classifyInstanceSet } from '../../contract/vrrp-identity.js';
import { syncGroupTransitions } from '../core/vrrp/sync-group.js';
import type { VrrpDropReason } from '../core/vrrp/types.js';
import type { HandoverPhase } from '../core/vrrp/machine-types.js';
import type { Announcer } from '../linux/announcer.js';
import { applyNftRuleset } from '../linux/nftables.js';
import type { Link, Rtnetlink } from '../linux/rtnetlink/types.js';
import type { GuardClient } from './guard/client.js';
import { resignationKits } from './guard/kits.js';
import type { InstanceTransition } from './instance-runner.js';
import { planInstance, type PlannedInstance } from './instance-plan.js';
import { PacketFilters } from './packet-filters.js';
import { runNotifyHooks } from './notify.js';
import { hostScripts, type PreparedScripts } from '../scripts/script-launcher.js';
import { nodeTrackedFiles, type TrackedFiles } from './tracked-files.js';
import { RunningInstance, type InstanceContext } from './running-instance.js';
import type { VirtualServerHealth } from './tracked-checks.js';
import type { ResolvedVip } from './vip-leases.js';
import { VrrpSockets, type OpenVrrpSocket } from './vrrp-sockets.js';
import { systemClock, type Clock } from './clock.js';

const HANDOVER_LOG: Record<HandoverPhase, string> = {
  started: 'priority-0 advert sent; the VIPs stay until the new master advertises',
  cancelled: 'resumed while handing over; master at its priority again',
  kept: 'no other router took over; keeping the VIPs (master at priority 1)',
};

export interface EngineLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface EngineDeps {
  rtnetlink: Rtnetlink;
  announcer: Announcer;
  guard?: GuardClient | undefined;
  logger: EngineLogger;
  /** Monotonic time and timers (default: the host's, clock.ts). */
  clock?: Clock | undefined;
  /** Opens the VRRP sockets (default: raw sockets, linux/vrrp-socket.ts). */
  openSocket?: OpenVrrpSocket | undefined;
  /** Applies an nftables ruleset (linux/nftables.ts); only used for acceptMode false. */
  applyRuleset?: ((ruleset: string) => Promise<void>) | undefined;
  /** Per-instance counters (agent/metrics/vrrp-metrics.ts implements it). */
  counters?: EngineCounters | undefined;
  /** Tracked files and script verdicts (default: the host's, tracked-files.ts, script-launcher.ts). */
  trackedFiles?: TrackedFiles | undefined;
  scripts?: PreparedScripts | undefined;
}

/** What the engine counts per instance, for metrics. */
export interface EngineCounters {
  advertSent(instance: string, count: number): void;
  advertReceived(instance: string): void;
  /** A dropped advert whose VRID names one of this interface's instances. */
  advertDropped(instance: string, reason: VrrpDropReason): void;
  garpSent(instance: string, count: number): void;
  /** The effective priority changed (tracked checks), whatever the state. */
  setPriority(instance: string, priority: number): void;
}

export interface EngineEvents {
  transition: [InstanceTransition];
}

export class VrrpEngine extends EventEmitter<EngineEvents> {
  /** Instances that could not start, with the reason. */
  readonly failed = new Map<string, string>();
  private readonly running = new Map<string, RunningInstance>();
  /** The last health decision per virtual server, for instances that start later. */
  private readonly virtualServers = new Map<string, VirtualServerHealth>();
  private readonly sockets: VrrpSockets;
  private readonly clock: Clock;
  /** What each running instance needs of the engine. */
  private readonly context: InstanceContext;
  private readonly filters: PacketFilters;
  /** The director is in maintenance (its document says so): core/vrrp/maintenance.ts. */
  private maintenance = false;

  constructor(private readonly deps: EngineDeps) {
    super();
    this.clock = deps.clock ?? systemClock;
    this.filters = new PacketFilters(deps.applyRuleset ?? applyNftRuleset, deps.logger);
    const { counters, logger } = deps;
    this.sockets = new VrrpSockets(
      {
        dropped: (instance, reason) => counters?.advertDropped(instance, reason),
        received: (instance) => counters?.advertReceived(instance),
        sent: (instance, count) => counters?.advertSent(instance, count),
        error: (socket, error) =>
          logger.error({ socket, error: error.message }, 'VRRP socket error'),
      },
      deps.openSocket,
    );
    this.context = {
      rtnetlink: deps.rtnetlink,
      sockets: this.sockets,
      clock: this.clock,
      virtualServers: this.virtualServers,
      announce: (plan, vips) => this.announce(plan, vips),
      onTransition: (t) => this.onTransition(t),
      onHandover: (instance, phase) => this.onHandover(instance, phase),
      maintenance: () => this.maintenance,
      trackedCheckPorts: {
        files: deps.trackedFiles ?? nodeTrackedFiles,
        scripts: deps.scripts ?? hostScripts,
      },
      setPriority: (instance, priority) => deps.counters?.setPriority(instance, priority),
      logError: (instance, what, error, extra) =>
        deps.logger.error({ instance, ...extra, error: error.message }, what),
    };
  }

  /** Received packets dropped, by reason (a metric). */
  get drops(): ReadonlyMap<VrrpDropReason, number> {
    return this.sockets.drops;
  }

  get instances(): ReadonlyMap<string, RunningInstance> {
    return this.running;
  }

  get inMaintenance(): boolean {
    return this.maintenance;
  }

  /**
   * Puts the director in maintenance or takes it out: every instance advertises priority 1 and
   * the masters hand over to their best backup, keeping their VIPs until it advertises as
   * master (make before break); on resume the normal priorities and preemption
   * rules apply again (core/vrrp/maintenance.ts). Instances started later follow it too.
   */
  setMaintenance(on: boolean): void {
    if (on === this.maintenance) return;
    this.maintenance = on;
    this.deps.logger.info(
      { maintenance: on },
      on ? 'maintenance: handing over' : 'maintenance: resumed',
    );
    for (const instance of this.running.values()) instance.maintenanceChanged(on);
  }

  async start(specs: readonly DirectorVrrpInstance[]): Promise<void> {
    await this.update(specs);
  }

  /**
   * Runs `specs` from now on, touching only what changed (contract/vrrp-identity.ts):
   * - an unchanged instance runs on untouched (no transition, no advert gap);
   * - an instance edited without changing its identity (interface, VRID, family, version) takes
   *   the new settings in place, in the state it is in, with its timers and its VIPs;
   * - a removed instance, or one whose identity changed, resigns if MASTER and stops; a new
   *   one (or the re-created one) starts and elects.
   * The packet filters are rebuilt for the whole set when anything changed.
   */
  async update(specs: readonly DirectorVrrpInstance[]): Promise<void> {
    const running = [...this.running.values()].map((r) => r.plan.spec);
    const change = classifyInstanceSet(running, specs);
    for (const { name, fields } of change.recreate) {
      this.deps.logger.info(
        { instance: name, fields },
        'VRRP instance identity changed: re-created',
      );
    }
    for (const name of [...change.stop, ...change.recreate.map((r) => r.name)]) {
      await this.stopInstance(name, this.running.get(name)!);
    }
    // Nothing to start or edit: no dump, no filter change (a document that changed only
    // virtual servers reaches IPVS without waiting on rtnetlink).
    const starting = specs.filter((s) => !this.running.has(s.name));
    const removed = change.stop.length + change.recreate.length;
    if (removed === 0 && starting.length === 0 && change.inPlace.length === 0) return;
    this.failed.clear();
    const { rtnetlink } = this.deps;
    // One dump at a time: the netlink package cannot interleave two multipart replies.
    const links = await rtnetlink.listLinks();
    const addresses = await rtnetlink.listAddresses();
    const edits = new Map<string, { plan: PlannedInstance; fields: string[] }>();
    const wanted = new Map(specs.map((s) => [s.name, s]));
    for (const { name, fields } of change.inPlace) {
      const result = planInstance(wanted.get(name)!, links, addresses);
      if (result.ok) edits.set(name, { plan: result.plan, fields });
      else {
        await this.stopInstance(name, this.running.get(name)!);
        this.fail(name, result.error);
      }
    }
    const fresh: PlannedInstance[] = [];
    for (const spec of starting) {
      const result = planInstance(spec, links, addresses);
      if (result.ok) fresh.push(result.plan);
      else this.fail(spec.name, result.error);
    }
    const kept = [...this.running.values()].map((r) => edits.get(r.plan.spec.name)?.plan ?? r.plan);
    const { ready, refused } = await this.filters.install([...kept, ...fresh]);
    for (const [instance, error] of refused) {
      const runningNow = this.running.get(instance);
      if (runningNow) await this.stopInstance(instance, runningNow);
      this.fail(instance, error);
    }
    for (const [name, { plan, fields }] of edits) {
      const instance = this.running.get(name);
      if (!instance) continue;
      instance.edit(plan, fields, links);
      this.deps.logger.info(
        { instance: name, fields, state: instance.runner.state.name },
        'VRRP instance edited in place',
      );
    }
    if (edits.size > 0) this.armGuard();
    for (const plan of ready.filter((p) => fresh.includes(p))) {
      const instance = await RunningInstance.create(plan, this.context);
      this.running.set(plan.spec.name, instance);
      instance.start(links);
    }
  }

  /** Stops one instance (resigning if MASTER) and releases its place on the shared socket. */
  private async stopInstance(name: string, instance: RunningInstance): Promise<void> {
    this.running.delete(name);
    await instance.stop();
  }

  private fail(instance: string, error: string): void {
    this.failed.set(instance, error);
    this.deps.logger.error({ instance, error }, 'VRRP instance cannot start');
  }

  /** Every instance resigns (priority 0, VIPs removed), then the sockets close. */
  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.stop()));
    this.sockets.closeAll();
    await this.filters.remove();
    this.running.clear();
  }

  /** A link changed (from the rtnetlink watcher or a resync dump). */
  linkChanged(link: Pick<Link, 'name' | 'up'>): void {
    for (const instance of this.running.values()) instance.linkChanged(link);
  }

  /** A virtual server's health decision, for the instances that track it. */
  virtualServerChanged(name: string, health: VirtualServerHealth): void {
    this.virtualServers.set(name, health);
    for (const instance of this.running.values()) instance.virtualServerChanged(name, health);
  }

  private announce(plan: PlannedInstance, vips: readonly ResolvedVip[] = plan.vips): void {
    const addresses = vips.map((v) => v.address);
    const result = this.deps.announcer.announce({
      interfaceName: plan.interface.name,
      // By each address's family: excluded VIPs may be of the instance's other family.
      ipv4: addresses.filter((a) => !a.includes(':')),
      ipv6: addresses.filter((a) => a.includes(':')),
    });
    for (const e of result.errors) {
      this.deps.logger.warn(
        { instance: plan.spec.name, vip: e.address, error: e.error },
        'announce failed',
      );
    }
    this.deps.counters?.garpSent(plan.spec.name, addresses.length - result.errors.length);
  }

  private onTransition(transition: InstanceTransition): void {
    const running = this.running.get(transition.instance);
    this.deps.logger.info(
      { ...transition },
      `VRRP ${transition.instance}: ${transition.from} → ${transition.to}`,
    );
    this.emit('transition', transition);
    this.armGuard();
    if (!running) return;
    const { spec } = running.plan;
    const scripts = this.deps.scripts ?? hostScripts;
    const { to, priority } = transition;
    void runNotifyHooks(spec.notify, spec.name, to, priority, undefined, scripts).then(
      (results) => {
        for (const r of results.filter((x) => x.error)) {
          this.deps.logger.warn(
            { script: r.script, error: r.error?.message },
            'notify hook failed',
          );
        }
      },
    );
    if (spec.syncGroup !== undefined && transition.reason !== 'sync-group')
      this.syncGroup(spec.syncGroup, transition);
  }

  /** Logs a maintenance hand-over's phase; `kept` (nobody took over) is a warning. */
  private onHandover(instance: string, phase: HandoverPhase): void {
    const { logger } = this.deps;
    const log = phase === 'kept' ? logger.warn.bind(logger) : logger.info.bind(logger);
    log({ instance, handover: phase }, `VRRP ${instance}: maintenance: ${HANDOVER_LOG[phase]}`);
  }

  /** Gives the crash guard the resignations of the instances that are MASTER now. */
  private armGuard(): void {
    const masters = [...this.running.values()].filter((r) => r.runner.state.name === 'master');
    this.deps.guard?.arm(resignationKits(masters.map((r) => r.plan)));
  }

  /** keepalived vrrp_sync.c: the other members of the group follow a member's change. */
  private syncGroup(group: string, transition: InstanceTransition): void {
    if (transition.to === 'initialize') return;
    const members = [...this.running.values()].filter((r) => r.plan.spec.syncGroup === group);
    const follow = syncGroupTransitions(
      members.map((m) => ({ name: m.plan.spec.name, state: m.runner.state.name })),
      { name: transition.instance, to: transition.to },
    );
    for (const { name, to } of follow) {
      this.running.get(name)?.runner.dispatch({ type: 'sync', now: this.clock.now(), to });
    }
  }
}
