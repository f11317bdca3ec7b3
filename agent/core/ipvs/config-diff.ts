/**
 * @module Which config fields of a service or destination differ. Only the fields the kernel can
 * change in place are compared (kube-proxy `VirtualServer.Equal`, cloudflare/ipvs `Service` vs
 * `ServiceExtended`): identities are map keys and counters are observations, so neither is here.
 */
import type { IpvsDestinationConfig, IpvsSchedulerFlag, IpvsServiceConfig } from './model.js';

/** Service config fields in the order `changed` lists them. */
export const SERVICE_CONFIG_FIELDS = [
  'scheduler',
  'schedulerFlags',
  'persistenceTimeoutS',
  'persistenceNetmaskBits',
  'onePacket',
] as const satisfies readonly (keyof IpvsServiceConfig)[];

/** Destination config fields in the order `changed` lists them. */
export const DESTINATION_CONFIG_FIELDS = [
  'forwarding',
  'weight',
  'upperThreshold',
  'lowerThreshold',
] as const satisfies readonly (keyof IpvsDestinationConfig)[];

/** Scheduler flags are a bit set in the kernel: order and repeats carry no meaning. */
export function sameFlags(
  a: readonly IpvsSchedulerFlag[],
  b: readonly IpvsSchedulerFlag[],
): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((f) => right.has(f));
}

/** The service config fields whose values differ between `observed` and `desired`. */
export function changedServiceFields(
  observed: IpvsServiceConfig,
  desired: IpvsServiceConfig,
): (keyof IpvsServiceConfig)[] {
  return SERVICE_CONFIG_FIELDS.filter((field) =>
    field === 'schedulerFlags'
      ? !sameFlags(observed.schedulerFlags, desired.schedulerFlags)
      : observed[field] !== desired[field],
  );
}

/** The destination config fields whose values differ between `observed` and `desired`. */
export function changedDestinationFields(
  observed: IpvsDestinationConfig,
  desired: IpvsDestinationConfig,
): (keyof IpvsDestinationConfig)[] {
  return DESTINATION_CONFIG_FIELDS.filter((field) => observed[field] !== desired[field]);
}
