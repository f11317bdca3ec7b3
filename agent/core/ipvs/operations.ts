/** @module The IPVS operations the planner emits and the applier runs, one per generic-netlink command. */
import {
  destinationKey,
  serviceIdOf,
  serviceKey,
  type IpvsDestination,
  type IpvsDestinationConfig,
  type IpvsDestinationId,
  type IpvsService,
  type IpvsServiceConfig,
  type IpvsServiceId,
} from './model.js';

/** `IPVS_CMD_NEW_SERVICE`: the service starts with no destinations. */
export interface AddServiceOp {
  type: 'add-service';
  service: IpvsService;
}

/** `IPVS_CMD_SET_SERVICE`: every config field is replaced; `changed` lists the ones that differ. */
export interface UpdateServiceOp {
  type: 'update-service';
  service: IpvsService;
  changed: (keyof IpvsServiceConfig)[];
}

/** `IPVS_CMD_DEL_SERVICE`: the kernel removes the service's destinations with it. */
export interface DeleteServiceOp {
  type: 'delete-service';
  service: IpvsServiceId;
}

/** `IPVS_CMD_NEW_DEST`. */
export interface AddDestinationOp {
  type: 'add-destination';
  service: IpvsServiceId;
  destination: IpvsDestination;
}

/** `IPVS_CMD_SET_DEST`: every config field is replaced; `changed` lists the ones that differ. */
export interface UpdateDestinationOp {
  type: 'update-destination';
  service: IpvsServiceId;
  destination: IpvsDestination;
  changed: (keyof IpvsDestinationConfig)[];
}

/** `IPVS_CMD_DEL_DEST`. */
export interface DeleteDestinationOp {
  type: 'delete-destination';
  service: IpvsServiceId;
  destination: IpvsDestinationId;
}

/** One change to the kernel's IPVS table. */
export type IpvsOp =
  | AddServiceOp
  | UpdateServiceOp
  | DeleteServiceOp
  | AddDestinationOp
  | UpdateDestinationOp
  | DeleteDestinationOp;

export type IpvsOpType = IpvsOp['type'];

/**
 * Whether an op counts against the blast-radius cap (`PlanOptions.maxDestructive`): the deletes.
 * A weight-0 drain is an `update-destination` and does not count (see plan.ts).
 */
export function isDestructive(op: IpvsOp): op is DeleteServiceOp | DeleteDestinationOp {
  return op.type === 'delete-service' || op.type === 'delete-destination';
}

/** `svc:tcp:192.0.2.1:80` or `svc:tcp:192.0.2.1:80|198.51.100.11:80`: what an op acts on. */
export function opKey(op: IpvsOp): string {
  const svc = serviceKey(op.service);
  return 'destination' in op ? `${svc}|${destinationKey(op.destination)}` : svc;
}

/**
 * Orders ops by service key, then destination key (service ops first): plans come out sorted so
 * they are diffable and testable.
 */
export function compareOps(a: IpvsOp, b: IpvsOp): number {
  return (
    compareStrings(serviceKey(a.service), serviceKey(b.service)) ||
    compareStrings(destKeyOf(a), destKeyOf(b))
  );
}

function destKeyOf(op: IpvsOp): string {
  return 'destination' in op ? destinationKey(op.destination) : '';
}

/** Plain code-unit order, independent of locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The service part of a service or desired/observed service: identity plus config, nothing else. */
export function serviceOf(s: IpvsService): IpvsService {
  return {
    ...serviceIdOf(s),
    scheduler: s.scheduler,
    schedulerFlags: [...s.schedulerFlags],
    persistenceTimeoutS: s.persistenceTimeoutS,
    persistenceNetmaskBits: s.persistenceNetmaskBits,
    onePacket: s.onePacket,
  };
}

/** The identity part of a destination. */
export function destinationIdOf(d: IpvsDestinationId): IpvsDestinationId {
  return { address: d.address, port: d.port };
}

/** A destination's identity plus config, without the counters an observed one carries. */
export function destinationOf(d: IpvsDestination): IpvsDestination {
  return {
    address: d.address,
    port: d.port,
    forwarding: d.forwarding,
    weight: d.weight,
    upperThreshold: d.upperThreshold,
    lowerThreshold: d.lowerThreshold,
  };
}
