/**
 * @module VRRP and VIP metrics per instance of the desired document (the catalogue in
 * test/agent/metrics-catalogue.test.ts; names per https://prometheus.io/docs/practices/naming/).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DirectorVrrpInstance } from '../../contract/vrrp-instance.js';
import { canonicalAddress } from '../../contract/ip.js';
import type { VrrpDropReason } from '../core/vrrp/types.js';
import type { InstanceTransition } from '../vrrp/instance-runner.js';
import {
  ADVERT_ERROR_REASONS,
  VRRP_STATES,
  VRRP_TRANSITION_TARGETS,
  advertErrorReason,
  metricState,
  type VrrpMetricState,
} from './vrrp-labels.js';

const ID = ['vrrp_instance', 'vrid'] as const;
type IdLabels = { vrrp_instance: string; vrid: string };

interface Tracked {
  labels: IdLabels;
  vips: Set<string>;
  state: VrrpMetricState;
}

/** The metric objects, registered on `registry`. */
function createSeries(registry: Registry) {
  const registers = [registry];
  const g = (name: string, help: string) => new Gauge({ name, help, labelNames: ID, registers });
  const c = (name: string, help: string) => new Counter({ name, help, labelNames: ID, registers });
  return {
    state: new Gauge({
      name: 'fleetlb_vrrp_state',
      help: "1 for the director's current VRRP state, 0 for the others",
      labelNames: [...ID, 'state'],
      registers,
    }),
    transitions: new Counter({
      name: 'fleetlb_vrrp_transitions_total',
      help: 'VRRP state transitions, by state entered',
      labelNames: [...ID, 'to'],
      registers,
    }),
    lastTransition: g(
      'fleetlb_vrrp_last_transition_timestamp_seconds',
      'Unix time of the last state change',
    ),
    priority: g('fleetlb_vrrp_priority', 'Effective priority after tracking adjustments'),
    basePriority: g('fleetlb_vrrp_base_priority', 'Configured priority'),
    sent: c('fleetlb_vrrp_adverts_sent_total', 'VRRP adverts sent'),
    received: c('fleetlb_vrrp_adverts_received_total', 'VRRP adverts received'),
    errors: new Counter({
      name: 'fleetlb_vrrp_advert_errors_total',
      help: 'Invalid adverts dropped',
      labelNames: [...ID, 'reason'],
      registers,
    }),
    vipOwned: new Gauge({
      name: 'fleetlb_vip_owned',
      help: '1 if the VIP is bound on a local interface (observed via netlink)',
      labelNames: ['vip', 'vrrp_instance'],
      registers,
    }),
    garp: new Counter({
      name: 'fleetlb_vip_garp_sent_total',
      help: 'Gratuitous ARP / unsolicited NA sent',
      labelNames: ['vrrp_instance'],
      registers,
    }),
  };
}

export class VrrpMetrics {
  private readonly instances = new Map<string, Tracked>();
  private readonly m: ReturnType<typeof createSeries>;

  constructor(registry: Registry) {
    this.m = createSeries(registry);
  }

  /** Follows the document: new instances get every series (state init, counters 0), gone ones lose theirs. */
  syncInstances(instances: readonly DirectorVrrpInstance[], wallMs: number = Date.now()): void {
    const wanted = new Map(instances.map((i) => [i.name, i]));
    for (const [name, tracked] of this.instances) {
      const next = wanted.get(name);
      if (next === undefined || String(next.vrid) !== tracked.labels.vrid) this.drop(name);
    }
    for (const instance of instances) {
      const tracked = this.instances.get(instance.name) ?? this.add(instance, wallMs);
      this.m.basePriority.set(tracked.labels, instance.priority);
      this.syncVips(tracked, instance);
    }
  }

  /** A state change reported by the instance runner; `wallMs` is the Unix time in ms. */
  transition(t: InstanceTransition, wallMs: number = Date.now()): void {
    const tracked = this.instances.get(t.instance);
    if (tracked === undefined) return;
    const to = metricState(t.to);
    this.setState(tracked, to);
    if (to !== 'init') this.m.transitions.inc({ ...tracked.labels, to });
    this.m.lastTransition.set(tracked.labels, wallMs / 1000);
    this.m.priority.set(tracked.labels, t.priority);
  }

  /** The effective priority changed without a state change (tracked check). */
  setPriority(instance: string, priority: number): void {
    const tracked = this.instances.get(instance);
    if (tracked !== undefined) this.m.priority.set(tracked.labels, priority);
  }

  advertSent(instance: string, count = 1): void {
    const tracked = this.instances.get(instance);
    if (tracked !== undefined) this.m.sent.inc(tracked.labels, count);
  }

  advertReceived(instance: string, count = 1): void {
    const tracked = this.instances.get(instance);
    if (tracked !== undefined) this.m.received.inc(tracked.labels, count);
  }

  advertDropped(instance: string, reason: VrrpDropReason): void {
    const tracked = this.instances.get(instance);
    if (tracked === undefined) return;
    this.m.errors.inc({ ...tracked.labels, reason: advertErrorReason(reason) });
  }

  /** Whether `vip` (any spelling) is bound locally; VIPs not in the instance's config are ignored. */
  setVipOwned(instance: string, vip: string, owned: boolean): void {
    const tracked = this.instances.get(instance);
    const address = canonicalAddress(vip) ?? vip;
    if (tracked === undefined || !tracked.vips.has(address)) return;
    this.m.vipOwned.set({ vip: address, vrrp_instance: instance }, owned ? 1 : 0);
  }

  garpSent(instance: string, count = 1): void {
    if (this.instances.has(instance)) this.m.garp.inc({ vrrp_instance: instance }, count);
  }

  private add(instance: DirectorVrrpInstance, wallMs: number): Tracked {
    const labels = { vrrp_instance: instance.name, vrid: String(instance.vrid) };
    const tracked: Tracked = { labels, vips: new Set(), state: 'init' };
    this.instances.set(instance.name, tracked);
    this.setState(tracked, 'init');
    for (const to of VRRP_TRANSITION_TARGETS) this.m.transitions.inc({ ...labels, to }, 0);
    for (const reason of ADVERT_ERROR_REASONS) this.m.errors.inc({ ...labels, reason }, 0);
    this.m.lastTransition.set(labels, wallMs / 1000);
    this.m.priority.set(labels, instance.priority);
    this.m.sent.inc(labels, 0);
    this.m.received.inc(labels, 0);
    this.m.garp.inc({ vrrp_instance: instance.name }, 0);
    return tracked;
  }

  private syncVips(tracked: Tracked, instance: DirectorVrrpInstance): void {
    const wanted = new Set(instance.vips.map((v) => canonicalAddress(v.address) ?? v.address));
    for (const vip of tracked.vips) {
      if (!wanted.has(vip)) this.m.vipOwned.remove({ vip, vrrp_instance: instance.name });
    }
    for (const vip of wanted) {
      if (!tracked.vips.has(vip)) this.m.vipOwned.set({ vip, vrrp_instance: instance.name }, 0);
    }
    tracked.vips = wanted;
  }

  private setState(tracked: Tracked, to: VrrpMetricState): void {
    tracked.state = to;
    for (const state of VRRP_STATES) {
      this.m.state.set({ ...tracked.labels, state }, state === to ? 1 : 0);
    }
  }

  private drop(name: string): void {
    const tracked = this.instances.get(name);
    if (tracked === undefined) return;
    const { labels } = tracked;
    for (const state of VRRP_STATES) this.m.state.remove({ ...labels, state });
    for (const to of VRRP_TRANSITION_TARGETS) this.m.transitions.remove({ ...labels, to });
    for (const reason of ADVERT_ERROR_REASONS) this.m.errors.remove({ ...labels, reason });
    for (const m of [this.m.lastTransition, this.m.priority, this.m.basePriority]) m.remove(labels);
    for (const m of [this.m.sent, this.m.received]) m.remove(labels);
    for (const vip of tracked.vips) this.m.vipOwned.remove({ vip, vrrp_instance: name });
    this.m.garp.remove({ vrrp_instance: name });
    this.instances.delete(name);
  }
}
