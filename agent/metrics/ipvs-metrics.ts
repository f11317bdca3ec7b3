/**
 * @module IPVS metrics: virtual server info, and per virtual/real server kernel counters fed as
 * deltas (delta-counter.ts) from successive listings. Kernel entries are named through the
 * desired document; entries it does not name (sorry servers, foreign services) are not exported.
 * The per-real-server families are slots (real-server-series.ts), their baselines a typed array.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DirectorVirtualServer } from '../../contract/virtual-server.js';
import { canonicalAddress } from '../../contract/ip.js';
import { serviceIdOfVirtualServer } from '../core/ipvs/from-document.js';
import {
  destinationKey,
  serviceKey,
  type ObservedDestination,
  type ObservedService,
} from '../core/ipvs/model.js';
import { DeltaCounter, deltaOf } from './delta-counter.js';
import {
  bigints,
  numbers,
  RealServerSlots,
  SlotCounter,
  SlotGauge,
  type SlotColumn,
} from './real-server-series.js';

type VsLabel = 'virtual_server';
type StatField = 'connections' | 'inBytes' | 'outBytes' | 'inPackets' | 'outPackets';
type Fed<L extends string> = readonly (readonly [StatField, DeltaCounter<L>])[];

const INFO_LABELS = [
  ...['virtual_server', 'vip', 'port', 'protocol'],
  ...['scheduler', 'forwarding', 'vrrp_instance'],
] as const;
type InfoLabels = Record<(typeof INFO_LABELS)[number], string>;

interface TrackedVs {
  serviceKey: string;
  info: InfoLabels;
  /** destinationKey → real server name. */
  realServers: Map<string, string>;
  /** Real server name → its slot. */
  slots: Map<string, number>;
}

/** A real server counter fed from kernel totals: its value and the last total seen, per slot. */
interface FedColumn {
  total: SlotColumn;
  baseline: SlotColumn<BigUint64Array>;
}

export interface IpvsMetricsOptions {
  /** Export per-real-server byte counters (default true; off for very large configs). */
  perRealServerBytes?: boolean;
}

export class IpvsMetrics {
  private readonly tracked = new Map<string, TrackedVs>();
  private readonly info: Gauge<(typeof INFO_LABELS)[number]>;
  private readonly vsCounters: Fed<VsLabel>;
  private readonly rs = new RealServerSlots();
  private readonly rsCounters: readonly (readonly [StatField, FedColumn])[];
  private readonly rsGauges: readonly (readonly [RsGaugeField, SlotColumn])[];

  constructor(registry: Registry, options: IpvsMetricsOptions = {}) {
    const registers = [registry];
    this.info = new Gauge({
      name: 'fleetlb_virtual_server_info',
      help: 'Virtual server configuration (join helper)',
      labelNames: INFO_LABELS,
      registers,
    });
    this.vsCounters = VS_COUNTERS.map(
      ([field, name, help]) =>
        [field, fed<VsLabel>(registry, name, help, ['virtual_server'])] as const,
    );
    const bytes = options.perRealServerBytes ?? true;
    const slots = this.rs;
    this.rsCounters = RS_COUNTERS.filter(([field]) => bytes || field === 'connections').map(
      ([field, name, help]) => {
        const fedColumn = { total: slots.column(numbers()), baseline: slots.column(bigints()) };
        new SlotCounter(slots, (slot) => fedColumn.total.values[slot]!, { name, help, registry });
        return [field, fedColumn] as const;
      },
    );
    this.rsGauges = RS_GAUGES.map(([field, name, help]) => {
      const column = slots.column(numbers());
      new SlotGauge(slots, (slot) => column.values[slot]!, { name, help, registry });
      return [field, column] as const;
    });
  }

  /** Follows the document: series at 0 for new virtual/real servers, removed for gone ones. */
  syncDocument(virtualServers: readonly DirectorVirtualServer[]): void {
    const wanted = new Map(virtualServers.map((vs) => [vs.name, vs]));
    for (const name of this.tracked.keys()) if (!wanted.has(name)) this.dropVs(name);
    for (const vs of virtualServers) this.syncVs(vs);
  }

  /** One listing of the kernel's IPVS table. */
  observe(services: readonly ObservedService[]): void {
    const byKey = new Map(services.map((s) => [serviceKey(s), s]));
    for (const [name, tracked] of this.tracked) {
      const service = byKey.get(tracked.serviceKey);
      const vsLabels = { virtual_server: name };
      for (const [field, counter] of this.vsCounters) {
        if (service === undefined) counter.absent(vsLabels);
        else counter.observe(vsLabels, service.stats[field]);
      }
      const destinations = new Map(
        (service?.destinations ?? []).map((d) => [destinationKey(d), d]),
      );
      for (const [key, rsName] of tracked.realServers) {
        const slot = tracked.slots.get(rsName);
        if (slot !== undefined) this.observeRs(slot, destinations.get(key));
      }
    }
  }

  private observeRs(slot: number, dest: ObservedDestination | undefined): void {
    for (const [field, { total, baseline }] of this.rsCounters) {
      if (dest === undefined) {
        baseline.values[slot] = 0n;
        continue;
      }
      const seen = BigInt.asUintN(64, dest.stats[field]);
      const delta = deltaOf(seen, baseline.values[slot]!);
      baseline.values[slot] = seen;
      if (delta > 0n) total.values[slot]! += Number(delta);
    }
    for (const [field, column] of this.rsGauges) column.values[slot] = dest?.[field] ?? 0;
  }

  /**
   * New names get series at 0, gone names lose theirs. A virtual or real server whose kernel
   * identity changed under the same name keeps its series: the new kernel entry counts from 0.
   */
  private syncVs(vs: DirectorVirtualServer): void {
    const old = this.tracked.get(vs.name);
    const key = serviceKey(serviceIdOfVirtualServer(vs));
    const info = infoLabels(vs);
    if (old !== undefined) this.info.remove(old.info);
    this.info.set(info, 1);
    const vsLabels = { virtual_server: vs.name };
    for (const [, counter] of this.vsCounters) {
      counter.init(vsLabels);
      if (old !== undefined && old.serviceKey !== key) counter.absent(vsLabels);
    }
    const realServers = new Map(vs.realServers.map((rs) => [destinationKeyOf(rs), rs.name]));
    const oldKeys = new Map([...(old?.realServers ?? [])].map(([k, name]) => [name, k]));
    const slots = old?.slots ?? new Map<string, number>();
    const newNames = new Set(realServers.values());
    for (const [name, slot] of slots) {
      if (newNames.has(name)) continue;
      this.rs.remove(slot);
      slots.delete(name);
    }
    for (const [k, name] of realServers) {
      const before = oldKeys.get(name);
      const slot = slots.get(name);
      // A new slot starts at 0: counters, their baselines and the gauges.
      if (slot === undefined) slots.set(name, this.rs.add(vs.name, name));
      else if (before !== k || old?.serviceKey !== key) this.absentRs(slot);
    }
    this.tracked.set(vs.name, { serviceKey: key, info, realServers, slots });
  }

  /** The kernel entry changed identity: its next totals count from 0. */
  private absentRs(slot: number): void {
    for (const [, { baseline }] of this.rsCounters) baseline.values[slot] = 0n;
  }

  private dropVs(name: string): void {
    const tracked = this.tracked.get(name);
    if (tracked === undefined) return;
    this.info.remove(tracked.info);
    for (const [, counter] of this.vsCounters) counter.remove({ virtual_server: name });
    for (const slot of tracked.slots.values()) this.rs.remove(slot);
    this.tracked.delete(name);
  }
}

const V = 'fleetlb_ipvs_virtual_server_';
const VS_COUNTERS: readonly (readonly [StatField, string, string])[] = [
  ['connections', `${V}connections_total`, 'Connections scheduled by IPVS'],
  ['inBytes', `${V}incoming_bytes_total`, 'Bytes IPVS received for the virtual server'],
  ['outBytes', `${V}outgoing_bytes_total`, 'Bytes IPVS sent back (about 0 in DR/TUN)'],
  ['inPackets', `${V}incoming_packets_total`, 'Packets IPVS received for the virtual server'],
  ['outPackets', `${V}outgoing_packets_total`, 'Packets IPVS sent back (about 0 in DR/TUN)'],
];
const R = 'fleetlb_ipvs_real_server_';
/** Byte counters come after `connections` and can be turned off (IpvsMetricsOptions). */
const RS_COUNTERS: readonly (readonly [StatField, string, string])[] = [
  ['connections', `${R}connections_total`, 'Connections scheduled to this real server'],
  ['inBytes', `${R}incoming_bytes_total`, 'Bytes IPVS forwarded to this real server'],
  ['outBytes', `${R}outgoing_bytes_total`, 'Bytes from this real server through IPVS'],
];

type RsGaugeField = 'activeConnections' | 'inactiveConnections' | 'weight';
const RS_GAUGES: readonly (readonly [RsGaugeField, string, string])[] = [
  [
    'activeConnections',
    'fleetlb_ipvs_real_server_active_connections',
    'Current IPVS connection entries in ESTABLISHED state',
  ],
  [
    'inactiveConnections',
    'fleetlb_ipvs_real_server_inactive_connections',
    'Current IPVS connection entries in other states',
  ],
  [
    'weight',
    'fleetlb_ipvs_real_server_weight',
    'Weight programmed in the kernel (0 = drained or not installed)',
  ],
];

function fed<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
): DeltaCounter<L> {
  return new DeltaCounter(new Counter<L>({ name, help, labelNames, registers: [registry] }));
}

function destinationKeyOf(rs: { address: string; port: number }): string {
  return destinationKey({ address: canonicalAddress(rs.address) ?? rs.address, port: rs.port });
}

function infoLabels(vs: DirectorVirtualServer): InfoLabels {
  return {
    virtual_server: vs.name,
    vip: vs.address === undefined ? '' : (canonicalAddress(vs.address) ?? vs.address),
    port: vs.port === undefined ? '' : String(vs.port),
    protocol: vs.protocol ?? '',
    scheduler: vs.scheduler,
    forwarding: vs.forwarding,
    vrrp_instance: vs.vrrpInstance ?? '',
  };
}
