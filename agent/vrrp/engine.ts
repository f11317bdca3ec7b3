/**
 * @module The VRRP engine: runs a director's VRRP instances on the host. It resolves each
 * instance against the interfaces (instance-plan.ts), removes VIPs it does not own yet, opens one
 * raw socket per interface and family, routes received adverts to the instance with their VRID
 * (core/vrrp/receive.ts, drops counted by reason), feeds link changes and tracked checks to the
 * state machines, makes sync groups move together, keeps the crash guard armed with the
 * resignations of the instances that are MASTER, and reports every transition.
 */
import { EventEmitter } from 'node:events';
import type { DirectorVrrpInstance } from '../../contract/vrrp-instance.js';
import { outgoingAdverts } from '../core/vrrp/outgoing.js';
import { receiveAdvert, type ReceivingInstance } from '../core/vrrp/receive.js';
import { syncGroupTransitions } from '../core/vrrp/sync-group.js';
import { effectivePriority } from '../core/vrrp/tracking.js';
import type { VrrpDropReason } from '../core/vrrp/types.js';
import type { Announcer } from '../linux/announcer.js';
import { applyNftRuleset } from '../linux/nftables.js';
import type { Link, Rtnetlink } from '../linux/rtnetlink/types.js';
import { openVrrpSocket, type ReceivedPacket, type VrrpSocket } from '../linux/vrrp-socket.js';
import type { GuardClient } from './guard/client.js';
import { resignationKits, withZone } from './guard/kits.js';
import { InstanceRunner, type InstanceTransition } from './instance-runner.js';
import { planInstance, type PlannedInstance } from './instance-plan.js';
import { PacketFilters } from './packet-filters.js';
import { runNotifyHooks } from './notify.js';
import { TrackedChecks, type VirtualServerHealth } from './tracked-checks.js';
import { VipLeases } from './vip-leases.js';

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
  /** Monotonic milliseconds. */
  now(): number;
  /** Applies an nftables ruleset (linux/nftables.ts); only used for acceptMode false. */
  applyRuleset?: ((ruleset: string) => Promise<void>) | undefined;
  /** Per-instance counters (agent/metrics/vrrp-metrics.ts implements it). */
  counters?: EngineCounters | undefined;
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

interface Running {
  plan: PlannedInstance;
  runner: InstanceRunner;
  checks: TrackedChecks;
}

interface Receiver {
  socket: VrrpSocket;
  instances: Map<number, ReceivingInstance>;
  runners: Map<number, Running>;
}

export class VrrpEngine extends EventEmitter<EngineEvents> {
  /** Received packets dropped, by reason (a metric). */
  readonly drops = new Map<VrrpDropReason, number>();
  /** Instances that could not start, with the reason. */
  readonly failed = new Map<string, string>();
  private readonly running = new Map<string, Running>();
  /** The last health decision per virtual server, for instances that start later. */
  private readonly virtualServers = new Map<string, VirtualServerHealth>();
  private readonly receivers = new Map<string, Receiver>();
  private readonly filters: PacketFilters;

  constructor(private readonly deps: EngineDeps) {
    super();
    this.filters = new PacketFilters(deps.applyRuleset ?? applyNftRuleset, deps.logger);
  }

  get instances(): ReadonlyMap<string, Running> {
    return this.running;
  }

  async start(specs: readonly DirectorVrrpInstance[]): Promise<void> {
    await this.update(specs);
  }

  /**
   * Runs `specs` from now on. An instance whose spec did not change keeps running untouched
   * (no transition, no advert gap); a removed or changed one stops (resigning if MASTER); a new
   * or changed one starts. The packet filters are rebuilt for the whole set.
   */
  async update(specs: readonly DirectorVrrpInstance[]): Promise<void> {
    const wanted = new Map(specs.map((s) => [s.name, s]));
    let stopped = 0;
    for (const [name, running] of [...this.running]) {
      const spec = wanted.get(name);
      if (spec === undefined || JSON.stringify(spec) !== JSON.stringify(running.plan.spec)) {
        await this.stopInstance(name, running);
        stopped += 1;
      }
    }
    // Nothing stopped, nothing to start: no dump, no filter change (a document that changed
    // only virtual servers reaches IPVS without waiting on rtnetlink).
    if (stopped === 0 && specs.every((s) => this.running.has(s.name))) return;
    this.failed.clear();
    const { rtnetlink } = this.deps;
    // One dump at a time: the netlink package cannot interleave two multipart replies.
    const links = await rtnetlink.listLinks();
    const addresses = await rtnetlink.listAddresses();
    const fresh: PlannedInstance[] = [];
    for (const spec of specs.filter((s) => !this.running.has(s.name))) {
      const result = planInstance(spec, links, addresses);
      if (result.ok) fresh.push(result.plan);
      else this.fail(spec.name, result.error);
    }
    const kept = [...this.running.values()].map((r) => r.plan);
    const { ready, refused } = await this.filters.install([...kept, ...fresh]);
    for (const [instance, error] of refused) this.fail(instance, error);
    for (const plan of ready.filter((p) => fresh.includes(p)))
      await this.startInstance(plan, links);
  }

  /** Stops one instance (resigning if MASTER) and releases its place on the shared socket. */
  private async stopInstance(name: string, running: Running): Promise<void> {
    running.checks.stop();
    await running.runner.stop();
    this.running.delete(name);
    const key = `${running.plan.interface.name}/${running.plan.family}`;
    const receiver = this.receivers.get(key);
    receiver?.instances.delete(running.plan.spec.vrid);
    receiver?.runners.delete(running.plan.spec.vrid);
    if (receiver && receiver.runners.size === 0) {
      receiver.socket.close();
      this.receivers.delete(key);
    }
  }

  private fail(instance: string, error: string): void {
    this.failed.set(instance, error);
    this.deps.logger.error({ instance, error }, 'VRRP instance cannot start');
  }

  /** Every instance resigns (priority 0, VIPs removed), then the sockets close. */
  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => (r.checks.stop(), r.runner.stop())));
    for (const receiver of this.receivers.values()) receiver.socket.close();
    await this.filters.remove();
    this.running.clear();
    this.receivers.clear();
  }

  /** A link changed (from the rtnetlink watcher or a resync dump). */
  linkChanged(link: Pick<Link, 'name' | 'up'>): void {
    for (const { plan, runner, checks } of this.running.values()) {
      checks.linkChanged(link.name, link.up);
      if (plan.interface.name === link.name) {
        runner.dispatch({ type: 'interface', now: this.deps.now(), up: link.up });
      }
    }
  }

  private async startInstance(plan: PlannedInstance, links: readonly Link[]): Promise<void> {
    const { spec } = plan;
    const onVipError = (operation: string, vip: { address: string }, error: Error): void =>
      this.deps.logger.error(
        { instance: spec.name, vip: vip.address, error: error.message },
        `VIP ${operation} failed`,
      );
    const leases = new VipLeases(this.deps.rtnetlink, plan.vips, plan.leaseS, onVipError);
    await leases.removeAll(); // RFC 9568 §6.4.1: not master yet, so hold none of its VIPs.
    const receiver = this.receiverFor(plan);
    const runner = new InstanceRunner(spec.name, plan.machine, spec.garp, {
      now: this.deps.now,
      leases,
      sendAdverts: (priority) => this.sendAdverts(plan, receiver.socket, priority),
      announce: () => this.announce(plan),
      onTransition: (t) => this.onTransition(t),
      onError: (what, error) =>
        this.deps.logger.error({ instance: spec.name, error: error.message }, `${what} failed`),
    });
    const checks = new TrackedChecks(spec.trackedChecks, (results) => {
      const { priority, fault } = effectivePriority(spec.priority, results);
      this.deps.counters?.setPriority(spec.name, priority);
      runner.dispatch({ type: 'priority', now: this.deps.now(), priority, fault });
    });
    const running: Running = { plan, runner, checks };
    this.running.set(spec.name, running);
    receiver.instances.set(spec.vrid, plan.receiving);
    receiver.runners.set(spec.vrid, running);
    const now = this.deps.now();
    for (const link of links) checks.linkChanged(link.name, link.up);
    for (const [name, health] of this.virtualServers) checks.virtualServerChanged(name, health);
    const initial = effectivePriority(spec.priority, checks.results());
    runner.dispatch({ type: 'priority', now, ...initial });
    if (!plan.interface.up) runner.dispatch({ type: 'interface', now, up: false });
    checks.start();
    runner.start();
  }

  /** A virtual server's health decision, for the instances that track it. */
  virtualServerChanged(name: string, health: VirtualServerHealth): void {
    this.virtualServers.set(name, health);
    for (const { checks } of this.running.values()) checks.virtualServerChanged(name, health);
  }

  private receiverFor(plan: PlannedInstance): Receiver {
    const key = `${plan.interface.name}/${plan.family}`;
    const existing = this.receivers.get(key);
    if (existing) return existing;
    const instances = new Map<number, ReceivingInstance>();
    const runners = new Map<number, Running>();
    const socket = openVrrpSocket(
      {
        interfaceName: plan.interface.name,
        interfaceIndex: plan.interface.index,
        family: plan.family,
      },
      (packet) => this.onPacket(packet, instances, runners),
      (reason) => this.countDrop(reason),
      (error) => this.deps.logger.error({ socket: key, error: error.message }, 'VRRP socket error'),
    );
    const receiver = { socket, instances, runners };
    this.receivers.set(key, receiver);
    return receiver;
  }

  private onPacket(
    packet: ReceivedPacket,
    instances: ReadonlyMap<number, ReceivingInstance>,
    runners: ReadonlyMap<number, Running>,
  ): void {
    const now = this.deps.now();
    const result = receiveAdvert(packet.payload, packet, instances);
    if (!result.ok) {
      const named = result.vrid === undefined ? undefined : runners.get(result.vrid);
      if (named) this.deps.counters?.advertDropped(named.plan.spec.name, result.reason);
      return this.countDrop(result.reason);
    }
    const running = runners.get(result.vrid);
    if (running) this.deps.counters?.advertReceived(running.plan.spec.name);
    running?.runner.dispatch({ type: 'advert', now, advert: result.advert });
  }

  private countDrop(reason: VrrpDropReason): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1);
  }

  private async sendAdverts(
    plan: PlannedInstance,
    socket: VrrpSocket,
    priority: number,
  ): Promise<void> {
    const adverts = outgoingAdverts(plan.outgoing, plan.primaryAddress, priority);
    this.deps.counters?.advertSent(plan.spec.name, adverts.length);
    await Promise.all(
      adverts.map((a) =>
        socket.send(a.payload, withZone(a.destination, plan), plan.primaryAddress),
      ),
    );
  }

  private announce(plan: PlannedInstance): void {
    const addresses = plan.vips.map((v) => v.address);
    const result = this.deps.announcer.announce({
      interfaceName: plan.interface.name,
      ipv4: plan.family === 'ipv4' ? addresses : [],
      ipv6: plan.family === 'ipv6' ? addresses : [],
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
    const masters = [...this.running.values()].filter((r) => r.runner.state.name === 'master');
    this.deps.guard?.arm(resignationKits(masters.map((r) => r.plan)));
    if (!running) return;
    const { spec } = running.plan;
    void runNotifyHooks(spec.notify, spec.name, transition.to, transition.priority).then(
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

  /** keepalived vrrp_sync.c: the other members of the group follow a member's change. */
  private syncGroup(group: string, transition: InstanceTransition): void {
    if (transition.to === 'initialize') return;
    const members = [...this.running.values()].filter((r) => r.plan.spec.syncGroup === group);
    const follow = syncGroupTransitions(
      members.map((m) => ({ name: m.plan.spec.name, state: m.runner.state.name })),
      { name: transition.instance, to: transition.to },
    );
    for (const { name, to } of follow) {
      this.running.get(name)?.runner.dispatch({ type: 'sync', now: this.deps.now(), to });
    }
  }
}
