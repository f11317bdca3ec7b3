/** @module Builders of IPVS model values for the planner and ipvsadm-text tests. */
import type {
  DesiredService,
  IpvsDestination,
  IpvsSchedulerFlag,
  IpvsServiceConfig,
  IpvsServiceId,
} from '../../agent/core/ipvs/model.js';

/** An IPv4 TCP virtual service. */
export const VIP = { family: 'ipv4', protocol: 'tcp', address: '192.0.2.1', port: 80 } as const;

/** The default service config: wlc, not persistent, no flags. */
export const SERVICE_CONFIG: IpvsServiceConfig = {
  scheduler: 'wlc',
  schedulerFlags: [] as IpvsSchedulerFlag[],
  persistenceTimeoutS: 0,
  persistenceNetmaskBits: 32,
  onePacket: false,
};

/** A service with the default config (full-length netmask for its family) and `over` applied. */
export function service(
  id: IpvsServiceId,
  destinations: IpvsDestination[] = [],
  over: Partial<IpvsServiceConfig> = {},
): DesiredService {
  const bits = id.family === 'ipv6' ? 128 : 32;
  return { ...id, ...SERVICE_CONFIG, persistenceNetmaskBits: bits, ...over, destinations };
}
