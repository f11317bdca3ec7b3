/**
 * @module The engine's VRRP sockets: one raw socket per interface and address family, shared by
 * the instances that run there. A received advert is classified against the instances of its
 * socket (core/vrrp/receive.ts): dropped with a counted reason, or handed to the instance with
 * its VRID. Sends go out through the instance's socket. The socket itself comes from a factory
 * (linux/vrrp-socket.ts on a host, a simulated LAN in tests).
 */
import { outgoingAdverts } from '../core/vrrp/outgoing.js';
import { receiveAdvert, type ReceivingInstance } from '../core/vrrp/receive.js';
import type { ReceivedAdvert } from '../core/vrrp/machine.js';
import type { VrrpDropReason } from '../core/vrrp/types.js';
import {
  openVrrpSocket,
  type ReceivedPacket,
  type VrrpSocket,
  type VrrpSocketOptions,
} from '../linux/vrrp-socket.js';
import { withZone } from './guard/kits.js';
import type { PlannedInstance } from './instance-plan.js';

/** Opens a VRRP socket (the signature of linux/vrrp-socket.ts `openVrrpSocket`). */
export type OpenVrrpSocket = (
  options: VrrpSocketOptions,
  onPacket: (packet: ReceivedPacket) => void,
  onEnvelopeDrop: (reason: VrrpDropReason) => void,
  onError: (error: Error) => void,
) => VrrpSocket;

/** Where an accepted advert goes, and the counters of its instance. */
export interface AdvertSink {
  instance: string;
  onAdvert(advert: ReceivedAdvert): void;
}

export interface SocketEvents {
  /** A drop whose VRID names a local instance (for that instance's metrics). */
  dropped(instance: string, reason: VrrpDropReason): void;
  received(instance: string): void;
  sent(instance: string, count: number): void;
  error(socket: string, error: Error): void;
}

interface Shared {
  socket: VrrpSocket;
  expectations: Map<number, ReceivingInstance>;
  sinks: Map<number, AdvertSink>;
}

const socketKey = (plan: PlannedInstance): string => `${plan.interface.name}/${plan.family}`;

export class VrrpSockets {
  /** Received packets dropped, by reason (a metric). */
  readonly drops = new Map<VrrpDropReason, number>();
  private readonly shared = new Map<string, Shared>();

  constructor(
    private readonly events: SocketEvents,
    private readonly open: OpenVrrpSocket = openVrrpSocket,
  ) {}

  /** Receives `plan`'s adverts into `sink` from now on (opening the socket if needed). */
  attach(plan: PlannedInstance, sink: AdvertSink): void {
    const shared = this.socketFor(plan);
    shared.expectations.set(plan.spec.vrid, plan.receiving);
    shared.sinks.set(plan.spec.vrid, sink);
  }

  /** What adverts for `plan`'s VRID must carry from now on (an in-place edit). */
  expect(plan: PlannedInstance, receiving: ReceivingInstance): void {
    this.shared.get(socketKey(plan))?.expectations.set(plan.spec.vrid, receiving);
  }

  /** The expectations in force for `plan`'s VRID. */
  expectation(plan: PlannedInstance): ReceivingInstance | undefined {
    return this.shared.get(socketKey(plan))?.expectations.get(plan.spec.vrid);
  }

  /** Stops receiving for `plan`'s VRID; the socket closes with its last instance. */
  detach(plan: PlannedInstance): void {
    const key = socketKey(plan);
    const shared = this.shared.get(key);
    if (!shared) return;
    shared.expectations.delete(plan.spec.vrid);
    shared.sinks.delete(plan.spec.vrid);
    if (shared.sinks.size > 0) return;
    shared.socket.close();
    this.shared.delete(key);
  }

  /** Sends `plan`'s adverts with `priority` to every destination. */
  async send(plan: PlannedInstance, priority: number): Promise<void> {
    const shared = this.shared.get(socketKey(plan));
    if (!shared) return;
    const adverts = outgoingAdverts(plan.outgoing, plan.primaryAddress, priority);
    this.events.sent(plan.spec.name, adverts.length);
    await Promise.all(
      adverts.map((a) =>
        shared.socket.send(a.payload, withZone(a.destination, plan), plan.primaryAddress),
      ),
    );
  }

  closeAll(): void {
    for (const shared of this.shared.values()) shared.socket.close();
    this.shared.clear();
  }

  private socketFor(plan: PlannedInstance): Shared {
    const key = socketKey(plan);
    const existing = this.shared.get(key);
    if (existing) return existing;
    const expectations = new Map<number, ReceivingInstance>();
    const sinks = new Map<number, AdvertSink>();
    const socket = this.open(
      {
        interfaceName: plan.interface.name,
        interfaceIndex: plan.interface.index,
        family: plan.family,
      },
      (packet) => this.onPacket(packet, expectations, sinks),
      (reason) => this.countDrop(reason),
      (error) => this.events.error(key, error),
    );
    const shared = { socket, expectations, sinks };
    this.shared.set(key, shared);
    return shared;
  }

  private onPacket(
    packet: ReceivedPacket,
    expectations: ReadonlyMap<number, ReceivingInstance>,
    sinks: ReadonlyMap<number, AdvertSink>,
  ): void {
    const result = receiveAdvert(packet.payload, packet, expectations);
    if (!result.ok) {
      const named = result.vrid === undefined ? undefined : sinks.get(result.vrid);
      if (named) this.events.dropped(named.instance, result.reason);
      return this.countDrop(result.reason);
    }
    const sink = sinks.get(result.vrid);
    if (!sink) return;
    this.events.received(sink.instance);
    sink.onAdvert(result.advert);
  }

  private countDrop(reason: VrrpDropReason): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1);
  }
}
