/**
 * @module Typed IPVS errors: the kernel's errno for a generic-netlink request, named with the
 * operation and the object concerned, and explained the way ipvsadm's libipvs explains it
 * (`ipvs_strerror`) — "unknown scheduler", not a bare `ENOENT`.
 */
import { NetlinkRequestError } from '../netlink/genl-connection.js';
import { errnoFromMessage } from '../rtnetlink/errors.js';

export type IpvsOperation =
  | 'add-service'
  | 'update-service'
  | 'delete-service'
  | 'add-destination'
  | 'update-destination'
  | 'delete-destination'
  | 'open'
  | 'list-services'
  | 'list-destinations'
  | 'info'
  | 'get-timeouts'
  | 'set-timeouts'
  | 'start-daemon'
  | 'stop-daemon'
  | 'list-daemons';

/** What each errno means for each operation (net/netfilter/ipvs/ip_vs_ctl.c return paths). */
const EXPLANATIONS: Readonly<Record<string, string>> = {
  'add-service:EEXIST': 'the service already exists',
  'add-service:ENOENT': 'the kernel has no such scheduler (or persistence engine) module',
  'update-service:ENOENT': 'the kernel has no such scheduler (or persistence engine) module',
  'update-service:ESRCH': 'no such service',
  'delete-service:ESRCH': 'no such service',
  'list-destinations:ESRCH': 'no such service',
  'add-destination:ESRCH': 'the service does not exist',
  'add-destination:EEXIST': 'the destination already exists',
  'update-destination:ESRCH': 'the service does not exist',
  'update-destination:ENOENT': 'no such destination',
  'delete-destination:ESRCH': 'the service does not exist',
  'delete-destination:ENOENT': 'no such destination',
  'start-daemon:EEXIST': 'a sync daemon of that role already runs',
  'start-daemon:ENODEV': 'no such interface',
  'start-daemon:EINVAL':
    'the kernel refused the daemon (a service with destinations of the other family forbids sync)',
  'stop-daemon:ESRCH': 'no sync daemon of that role runs',
  ERANGE: 'lower threshold above upper threshold',
  EPERM: 'permission denied (the agent needs CAP_NET_ADMIN)',
  EINVAL: 'the kernel refused the request as invalid',
  EAFNOSUPPORT: 'address family not supported for this forwarding method',
  EOPNOTSUPP: 'not supported by this kernel',
  ENOMEM: 'the kernel is out of memory',
  ETIMEDOUT: 'no answer from the kernel in time',
};

export class IpvsError extends Error {
  override readonly name: string = 'IpvsError';

  constructor(
    /** Symbolic errno (`EEXIST`, `ESRCH`, `ENOENT`, `EPERM`, `ETIMEDOUT` …) or `EUNKNOWN`. */
    readonly errno: string,
    readonly operation: IpvsOperation,
    /** The object concerned, e.g. `svc:tcp:192.0.2.1:80` or `svc:… → 198.51.100.11:80`. */
    readonly object: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    const explanation = EXPLANATIONS[`${operation}:${errno}`] ?? EXPLANATIONS[errno] ?? detail;
    super(`${operation} ${object}: ${explanation} (${errno})`, options);
  }
}

/** The kernel has no IPVS: the generic netlink family `IPVS` does not exist. */
export class IpvsUnavailableError extends IpvsError {
  override readonly name = 'IpvsUnavailableError';

  constructor(detail: string, options?: { cause?: unknown }) {
    super('ENOENT', 'open', 'IPVS', detail, options);
    this.message =
      'IPVS is not available in this kernel: no generic netlink family "IPVS" ' +
      '(load the ip_vs module: modprobe ip_vs)';
  }
}

/** Wraps what a netlink call threw: a kernel refusal keeps its errno. */
export function toIpvsError(error: unknown, operation: IpvsOperation, object: string): IpvsError {
  if (error instanceof IpvsError) return error;
  if (error instanceof NetlinkRequestError) {
    return new IpvsError(error.errno, operation, object, error.message, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new IpvsError(errnoFromMessage(message), operation, object, message, { cause: error });
}
