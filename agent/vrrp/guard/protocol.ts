/**
 * @module What the agent tells its crash guard (guard/main.ts), one JSON object per line on the
 * guard's stdin: the resignation kit of every instance that is MASTER right now (its priority-0
 * adverts, ready to send, and its VIPs), replaced on every transition; and `exit` on a clean
 * shutdown. If the agent dies without saying `exit`, its end of the pipe closes and the guard
 * resigns on its behalf.
 */
import type { VrrpFamily } from '../../core/vrrp/types.js';
import type { AddressKey } from '../../linux/rtnetlink/types.js';

export interface ResignationKit {
  instance: string;
  interfaceName: string;
  interfaceIndex: number;
  family: VrrpFamily;
  /** IPv4 source for the IP header. */
  source: string;
  /** Priority-0 adverts: destination (with zone for link-local IPv6) and payload in hex. */
  adverts: Array<{ destination: string; payloadHex: string }>;
  vips: AddressKey[];
}

export type GuardMessage = { type: 'arm'; kits: ResignationKit[] } | { type: 'exit' };

/** What the guard prints on stdout: readiness per arm, and what it did on resigning. */
export type GuardReport =
  | { type: 'armed'; instances: string[] }
  | {
      type: 'resigned';
      instances: string[];
      adverts: number;
      vipsRemoved: number;
      errors: string[];
    };

export function parseGuardMessage(line: string): GuardMessage | undefined {
  try {
    const value = JSON.parse(line) as GuardMessage;
    if (value.type === 'exit') return value;
    if (value.type === 'arm' && Array.isArray(value.kits)) return value;
  } catch {
    // fall through: not a message
  }
  return undefined;
}
