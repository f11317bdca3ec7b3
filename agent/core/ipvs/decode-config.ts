/** @module Decoding the IPVS-wide replies: GET_INFO (version, table size) and GET_CONFIG (timeouts). */
import type { IpvsDecodeResult, IpvsInfo, IpvsTimeouts } from './codec-types.js';
import { AttributeScope, runDecoder } from './decode-common.js';
import { IpvsCmdAttr, IpvsInfoAttr } from './ip-vs-h.js';

/**
 * Decodes the GET_INFO reply (command IPVS_CMD_SET_INFO): first-level `IPVS_INFO_ATTR_VERSION`
 * (`IP_VS_VERSION_CODE`, 0x010201 = 1.2.1) and `IPVS_INFO_ATTR_CONN_TAB_SIZE`, both u32. Never throws.
 */
export function decodeInfo(payload: Uint8Array): IpvsDecodeResult<IpvsInfo> {
  return runDecoder<IpvsInfo, never>(() => {
    const root = AttributeScope.parse('', payload);
    const versionCode = root.requiredNumber(IpvsInfoAttr.VERSION, 'IPVS_INFO_ATTR_VERSION', 'u32');
    const connectionTableSize = root.requiredNumber(
      IpvsInfoAttr.CONN_TAB_SIZE,
      'IPVS_INFO_ATTR_CONN_TAB_SIZE',
      'u32',
    );
    const version = [versionCode >>> 16, (versionCode >>> 8) & 0xff, versionCode & 0xff].join('.');
    return { versionCode, version, connectionTableSize };
  });
}

/**
 * Decodes the GET_CONFIG reply (command IPVS_CMD_SET_CONFIG): first-level
 * `IPVS_CMD_ATTR_TIMEOUT_TCP/TCP_FIN/UDP`, u32 seconds. The kernel leaves out the TCP pair or
 * the UDP one when that protocol is compiled out (`CONFIG_IP_VS_PROTO_*`), hence `Partial`.
 * Never throws.
 */
export function decodeTimeouts(payload: Uint8Array): IpvsDecodeResult<Partial<IpvsTimeouts>> {
  return runDecoder<Partial<IpvsTimeouts>, never>(() => {
    const root = AttributeScope.parse('', payload);
    const timeouts: Partial<IpvsTimeouts> = {};
    const tcp = root.number(IpvsCmdAttr.TIMEOUT_TCP, 'IPVS_CMD_ATTR_TIMEOUT_TCP', 'u32');
    const tcpFin = root.number(IpvsCmdAttr.TIMEOUT_TCP_FIN, 'IPVS_CMD_ATTR_TIMEOUT_TCP_FIN', 'u32');
    const udp = root.number(IpvsCmdAttr.TIMEOUT_UDP, 'IPVS_CMD_ATTR_TIMEOUT_UDP', 'u32');
    if (tcp !== undefined) timeouts.tcpTimeoutS = tcp;
    if (tcpFin !== undefined) timeouts.tcpFinTimeoutS = tcpFin;
    if (udp !== undefined) timeouts.udpTimeoutS = udp;
    return timeouts;
  });
}
