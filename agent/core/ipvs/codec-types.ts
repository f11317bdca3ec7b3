/** @module The IPVS generic-netlink codec's own types: requests, decode results, info and timeouts. */

/**
 * One request for `GenericNetlinkSocket.request(familyId, command, IPVS_GENL_VERSION, payload,
 * { flags })`: `payload` is the attribute stream after the genlmsghdr. `dump` says the command is
 * a dump (NLM_F_DUMP) whose reply is a series of messages; otherwise ask for an ACK.
 */
export interface IpvsRequest {
  /** `IPVS_CMD_*`. */
  command: number;
  payload: Uint8Array;
  dump: boolean;
}

/** `IPVS_CMD_ATTR_TIMEOUT_*` (GET_CONFIG / SET_CONFIG; ipvsadm `--set tcp tcpfin udp`), seconds. */
export interface IpvsTimeouts {
  tcpTimeoutS: number;
  tcpFinTimeoutS: number;
  udpTimeoutS: number;
}

/** The GET_INFO reply (`IPVS_INFO_ATTR_*`). */
export interface IpvsInfo {
  /** `IP_VS_VERSION_CODE`, e.g. 0x010201. */
  versionCode: number;
  /** The same as `major.minor.patch` text, e.g. `1.2.1`. */
  version: string;
  /** `ip_vs_conn_tab_size`: buckets of the connection hash table. */
  connectionTableSize: number;
}

/**
 * Why a reply did not become a model value. `malformed`: the bytes break the netlink or
 * `<linux/ip_vs.h>` layout (truncated, wrong sizes, a required attribute missing). `unsupported`:
 * well-formed, but the model cannot say it without loss (LOCALNODE/BYPASS forwarding, a
 * persistence engine, a GUE/GRE tunnel, scheduler flags its scheduler does not define, a
 * non-contiguous IPv4 mask, unknown service flags …).
 */
export interface IpvsDecodeFailure<I> {
  ok: false;
  kind: 'malformed' | 'unsupported';
  /** ip_vs.h names from the message root, e.g. `IPVS_CMD_ATTR_DEST/IPVS_DEST_ATTR_FWD_METHOD`. */
  attribute: string;
  error: string;
  /**
   * The entry's identity when it decoded before the problem did (always so for `unsupported`),
   * so the caller can still delete or overwrite an entry it cannot represent.
   */
  id?: I;
}

/** Decoders never throw: they return the value or a failure (see `IpvsDecodeFailure`). */
export type IpvsDecodeResult<T, I = never> = { ok: true; value: T } | IpvsDecodeFailure<I>;

/** Options of the service and destination decoders. */
export interface IpvsDecodeOptions {
  /**
   * Decode the `*_STATS64`/`*_STATS` counters (default true). False skips both nests, which
   * costs ten BigInts each, and sets `stats` to the shared, frozen `ZERO_STATS`: for callers
   * that only reconcile configuration.
   */
  stats?: boolean;
}
