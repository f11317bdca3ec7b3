/**
 * @module Resolving a director's VRRP instance against the host: its interface, its address
 * family, the primary address it advertises from (RFC 9568 §6.1 "Primary IP Address": the
 * unicast source, else the interface's primary IPv4 address, else its IPv6 link-local one), its
 * VIPs with interface indexes, and what the codec needs to send and receive. Pure: the links and
 * addresses come from an rtnetlink dump.
 */
import { canonicalAddress } from '../../contract/ip.js';
import { instanceFamily } from '../../contract/validate-helpers.js';
import type { DirectorVrrpInstance } from '../../contract/vrrp-instance.js';
import type { VrrpMachineConfig } from '../core/vrrp/machine.js';
import type { OutgoingInstance } from '../core/vrrp/outgoing.js';
import type { ReceivingInstance } from '../core/vrrp/receive.js';
import { masterDownIntervalMs } from '../core/vrrp/timing.js';
import type { VrrpFamily } from '../core/vrrp/types.js';
import type { InterfaceAddress, Link } from '../linux/rtnetlink/types.js';
import { leaseSeconds, type ResolvedVip } from './vip-leases.js';

export interface PlannedInstance {
  spec: DirectorVrrpInstance;
  interface: Link;
  family: VrrpFamily;
  primaryAddress: string;
  vips: ResolvedVip[];
  leaseS: number;
  machine: VrrpMachineConfig;
  outgoing: OutgoingInstance;
  receiving: ReceivingInstance;
}

export type PlanResult = { ok: true; plan: PlannedInstance } | { ok: false; error: string };

const IFA_F_SECONDARY = 0x01;
const RT_SCOPE_LINK = 253;

/** The address adverts go out from, or undefined when the interface has none yet. */
function primaryAddress(
  spec: DirectorVrrpInstance,
  family: VrrpFamily,
  link: Link,
  addresses: readonly InterfaceAddress[],
  vips: ReadonlySet<string>,
): string | undefined {
  if (spec.unicastSource !== undefined) return canonicalAddress(spec.unicastSource);
  const own = addresses.filter((a) => a.interfaceIndex === link.index && a.family === family);
  if (family === 'ipv6') return own.find((a) => a.scope === RT_SCOPE_LINK)?.address;
  return own.find((a) => (a.flags & IFA_F_SECONDARY) === 0 && !vips.has(a.address))?.address;
}

export function planInstance(
  spec: DirectorVrrpInstance,
  links: readonly Link[],
  addresses: readonly InterfaceAddress[],
): PlanResult {
  const byName = new Map(links.map((l) => [l.name, l]));
  const link = byName.get(spec.interface);
  if (!link) return { ok: false, error: `interface ${spec.interface} does not exist` };
  // No VIPs (a notify-only instance): IPv4, as keepalived (vrrp.c vrrp_complete_instance()).
  const family: VrrpFamily = instanceFamily(spec);
  const vips: ResolvedVip[] = [];
  for (const vip of spec.vips) {
    const device = byName.get(vip.device ?? spec.interface);
    if (!device)
      return { ok: false, error: `interface ${vip.device} of VIP ${vip.address} does not exist` };
    const address = canonicalAddress(vip.address) ?? vip.address;
    // Its own family: an excluded VIP (advertised false) may be of the other.
    const prefixLength = vip.prefixLength ?? (address.includes(':') ? 128 : 32);
    vips.push({
      interfaceIndex: device.index,
      address,
      prefixLength,
      ...(vip.label === undefined ? {} : { label: vip.label }),
    });
  }
  const vipSet = new Set(vips.map((v) => v.address));
  const source = primaryAddress(spec, family, link, addresses, vipSet);
  if (source === undefined) {
    const what = family === 'ipv4' ? 'primary IPv4 address' : 'IPv6 link-local address';
    return { ok: false, error: `interface ${spec.interface} has no ${what} to advertise from` };
  }
  const machine: VrrpMachineConfig = {
    vrid: spec.vrid,
    version: spec.version,
    advertIntervalCs: spec.advertIntervalCs,
    preempt: spec.preempt,
    preemptDelayS: spec.preemptDelayS,
    priority: spec.priority,
    primaryAddress: source,
  };
  // RFC 3768 §5.3.5 / RFC 9568 §5.2.5: the adverts list the advertised VIPs only (keepalived's
  // virtual_ipaddress_excluded are added and removed with them, never advertised).
  const addressList = spec.vips.flatMap((vip, i) =>
    vip.advertised === false ? [] : [vips[i]!.address],
  );
  return {
    ok: true,
    plan: {
      spec,
      interface: link,
      family,
      primaryAddress: source,
      vips,
      leaseS: leaseSeconds(
        masterDownIntervalMs(spec.version, spec.priority, spec.advertIntervalCs),
      ),
      machine,
      outgoing: {
        vrid: spec.vrid,
        version: spec.version,
        family,
        advertIntervalCs: spec.advertIntervalCs,
        authPassword: spec.authPassword,
        vips: addressList,
        unicastPeers: spec.unicast ? spec.unicastPeers : [],
        v3Ipv4Checksum: spec.v3ChecksumAsV2 ? 'no-pseudo-header' : 'pseudo-header',
      },
      receiving: {
        vrid: spec.vrid,
        version: spec.version,
        advertIntervalCs: spec.advertIntervalCs,
        auth:
          spec.authPassword === undefined
            ? { type: 'none' }
            : { type: 'simple', password: spec.authPassword },
        vips: addressList,
      },
    },
  };
}
