/** @module The generic-netlink request for each planner operation, and the object it concerns. */
import {
  encodeDelDestination,
  encodeDelService,
  encodeNewDestination,
  encodeNewService,
  encodeSetDestination,
  encodeSetService,
  type IpvsRequest,
} from './codec.js';
import { destinationKey, serviceKey } from './model.js';
import type { IpvsOp } from './operations.js';

/** The request for an operation. */
export function requestFor(op: IpvsOp): IpvsRequest {
  switch (op.type) {
    case 'add-service':
      return encodeNewService(op.service);
    case 'update-service':
      return encodeSetService(op.service);
    case 'delete-service':
      return encodeDelService(op.service);
    case 'add-destination':
      return encodeNewDestination(op.service, op.destination);
    case 'update-destination':
      return encodeSetDestination(op.service, op.destination);
    case 'delete-destination':
      return encodeDelDestination(op.service, op.destination);
  }
}

/** What an operation is about, for errors: `svc:tcp:192.0.2.1:80 → 198.51.100.11:80`. */
export function objectOf(op: IpvsOp): string {
  const service = serviceKey(op.service);
  return 'destination' in op ? `${service} → ${destinationKey(op.destination)}` : service;
}
