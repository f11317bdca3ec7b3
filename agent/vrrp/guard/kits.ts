/**
 * @module What the crash guard needs to resign for the instances that are MASTER: their
 * priority-0 adverts, encoded now by the same code that sends them (core/vrrp/outgoing.ts), and
 * their VIPs.
 */
import { outgoingAdverts } from '../../core/vrrp/outgoing.js';
import type { PlannedInstance } from '../instance-plan.js';
import type { ResignationKit } from './protocol.js';

/** The resignation kits of `masters` (the instances that are MASTER now). */
export function resignationKits(masters: readonly PlannedInstance[]): ResignationKit[] {
  return masters.map((plan) => ({
    instance: plan.spec.name,
    interfaceName: plan.interface.name,
    interfaceIndex: plan.interface.index,
    family: plan.family,
    source: plan.primaryAddress,
    adverts: outgoingAdverts(plan.outgoing, plan.primaryAddress, 0).map((a) => ({
      destination: withZone(a.destination, plan),
      payload: a.payload,
    })),
    vips: plan.vips.map(({ interfaceIndex, address, prefixLength }) => ({
      interfaceIndex,
      address,
      prefixLength,
    })),
  }));
}

/** A link-local IPv6 unicast peer is only reachable with the interface as its zone. */
export function withZone(destination: string, plan: PlannedInstance): string {
  return destination.toLowerCase().startsWith('fe80:')
    ? `${destination}%${plan.interface.name}`
    : destination;
}
