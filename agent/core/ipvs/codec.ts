/** @module The IPVS generic-netlink codec (family `IPVS`, `<linux/ip_vs.h>`): request encoders and reply decoders. */
/*
 * Payloads are attribute streams only (the bytes after the 4-byte genlmsghdr; the `netlink`
 * package writes both headers). Pure: no I/O, no Node built-ins, `Uint8Array` in and out.
 *
 * Errors: encoders throw `RangeError` for input the kernel would reject or misread (the desired
 * state is validated upstream, so that is a bug); decoders never throw and return
 * `{ ok: true, value }` or an `IpvsDecodeFailure` (`malformed` bytes, or `unsupported` content
 * the model cannot express, with the entry's identity when it decoded).
 *
 * Wire facts the codec relies on (net/netfilter/ipvs/ip_vs_ctl.c):
 *   - addresses are 16-byte `nf_inet_addr`, IPv4 in the first 4; ports are big-endian;
 *   - NETMASK is a big-endian mask for IPv4 but a host-order prefix length (1-128) for IPv6;
 *   - FLAGS is `{flags, mask}`: with mask 0 the kernel changes no flag, so requests send ~0;
 *   - replies nest without NLA_F_NESTED (`nla_nest_start_noflag`); requests set it.
 */
export type {
  IpvsDecodeFailure,
  IpvsDecodeOptions,
  IpvsDecodeResult,
  IpvsInfo,
  IpvsRequest,
  IpvsTimeouts,
} from './codec-types.js';
export {
  MAX_PERSISTENCE_TIMEOUT_S,
  encodeDelService,
  encodeGetService,
  encodeGetServices,
  encodeNewService,
  encodeSetService,
} from './encode-service.js';
export {
  encodeDelDestination,
  encodeGetDestinations,
  encodeNewDestination,
  encodeSetDestination,
} from './encode-destination.js';
export {
  MAX_CONNECTION_TIMEOUT_S,
  encodeFlush,
  encodeGetConfig,
  encodeGetInfo,
  encodeSetTimeouts,
  encodeZero,
} from './encode-config.js';
export { decodeService } from './decode-service.js';
export { decodeDestination } from './decode-destination.js';
export { decodeInfo, decodeTimeouts } from './decode-config.js';
export { IPVS_GENL_NAME, IPVS_GENL_VERSION, IpvsCmd } from './ip-vs-h.js';
export type { ObservedSyncDaemon, SyncDaemonConfig, SyncDaemonRole } from './daemon-model.js';
export { encodeDelDaemon, encodeGetDaemons, encodeNewDaemon } from './encode-daemon.js';
export { decodeDaemon } from './decode-daemon.js';
