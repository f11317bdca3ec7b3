/**
 * @module IPVS metrics: virtual server info, and per virtual/real server kernel counters fed as
 * deltas (delta-counter.ts) from successive listings. Kernel entries are named through the
 * desired document; entries it does not name (sorry servers, foreign services) are not exported.
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
import { DeltaCounter } from './delta-counter.js';

type VsLabel = 'virtual_server';
type RsLabel = 'virtual_server' | 'real_server';
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
}

export interface IpvsMetricsOptions {
  /** Export per-real-server byte counters (default true; off for very large configs). */
  perRealServerBytes?: boolean;
}

export class IpvsMetrics {
  private readonly tracked = new Map<string, TrackedVs>();
  private readonly info: Gauge<(typeof INFO_LABELS)[number]>;
  private readonly vsCounters: Fed<VsLabel>;
  private readonly rsCounters: Fed<RsLabel>;
  private readonly rsGauges: readonly (readonly [RsGaugeField, Gauge<RsLabel>])[];

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
    this.rsCounters = RS_COUNTERS.filter(([field]) => bytes || field === 'connections').map(
      ([field, name, help]) => [field, fed<RsLabel>(registry, name, help, RS_LABELS)] as const,
    );
    this.rsGauges = RS_GAUGES.map(
      ([field, name, help]) =>
        [field, new Gauge({ name, help, labelNames: RS_LABELS, registers })] as const,
    );
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
        this.observeRs({ virtual_server: name, real_server: rsName }, destinations.get(key));
      }
    }
  }

  private observeRs(labels: Record<RsLabel, string>, dest: ObservedDestination | undefined): void {
    for (const [field, counter] of this.rsCounters) {
      if (dest === undefined) counter.absent(labels);
      else counter.observe(labels, dest.stats[field]);
    }
    for (const [field, gauge] of this.rsGauges) gauge.set(labels, dest?.[field] ?? 0);
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
    const newNames = new Set(realServers.values());
    for (const name of oldKeys.keys()) {
      if (!newNames.has(name)) this.dropRs({ virtual_server: vs.name, real_server: name });
    }
    for (const [k, name] of realServers) {
      const labels = { virtual_server: vs.name, real_server: name };
      const before = oldKeys.get(name);
      if (before === undefined) this.initRs(labels);
      else if (before !== k || old?.serviceKey !== key) this.absentRs(labels);
    }
    this.tracked.set(vs.name, { serviceKey: key, info, realServers });
  }

  private absentRs(labels: Record<RsLabel, string>): void {
    for (const [, counter] of this.rsCounters) counter.absent(labels);
  }

  private initRs(labels: Record<RsLabel, string>): void {
    for (const [, counter] of this.rsCounters) counter.init(labels);
    for (const [, gauge] of this.rsGauges) gauge.set(labels, 0);
  }

  private dropRs(labels: Record<RsLabel, string>): void {
    for (const [, counter] of this.rsCounters) counter.remove(labels);
    for (const [, gauge] of this.rsGauges) gauge.remove(labels);
  }

  private dropVs(name: string): void {
    const tracked = this.tracked.get(name);
    if (tracked === undefined) return;
    this.info.remove(tracked.info);
    for (const [, counter] of this.vsCounters) counter.remove({ virtual_server: name });
    for (const rs of tracked.realServers.values())
      this.dropRs({ virtual_server: name, real_server: rs });
    this.tracked.delete(name);
  }
}

const RS_LABELS = ['virtual_server', 'real_server'] as const;
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
