/**
 * Semantic rules of contract/validate.ts about virtual servers and their real servers, run
 * through both validateSite and validateDesiredState (VRRP rules: validate.test.ts).
 */
import { describe, test } from 'node:test';
import { validateSite } from '../../contract/index.js';
import {
  assertIssues,
  instance,
  realServer,
  site,
  VALIDATORS,
  virtualServer,
  type Expected,
  type Model,
} from './builders.js';

interface Case {
  rule: string;
  model: Model;
  expected: Expected[];
}

const vs = (over = {}): Model => ({ virtualServers: [virtualServer(over)] });
const at = (...rest: (string | number)[]) => ['virtualServers', 0, ...rest];
const rsAt = (i: number, field: string) => at('realServers', i, field);
const v6Instance = instance({ name: 'vi-v6', vrid: 61, vips: [{ address: '2001:db8:10::80' }] });

const VIRTUAL_SERVER_RULES: Case[] = [
  {
    rule: 'a virtual server is either fwmark or address/port/protocol',
    model: vs({ fwmark: 10, family: 'ipv4' }),
    expected: [
      {
        path: at(),
        message: 'a virtual server is either fwmark or address/port/protocol, not both',
      },
    ],
  },
  {
    rule: 'address, port and protocol are required without fwmark',
    model: vs({ protocol: undefined }),
    expected: [{ path: at(), message: 'address, port and protocol are required (or fwmark)' }],
  },
  {
    rule: 'an explicit family matches the address',
    model: vs({ family: 'ipv6', realServers: [] }),
    expected: [{ path: at('family'), message: 'address 192.0.2.10 is not ipv6' }],
  },
  {
    rule: 'port 0 (all ports) needs persistence',
    model: vs({ port: 0, realServers: [realServer({ port: 0 })] }),
    expected: [{ path: at('port'), message: 'port 0 (all ports) needs persistence' }],
  },
  {
    rule: 'port 0 with persistence is a valid all-ports service',
    model: vs({ port: 0, persistence: { timeoutS: 300 }, realServers: [realServer({ port: 0 })] }),
    expected: [],
  },
  {
    rule: 'a persistence netmask is at most 32 for IPv4',
    model: vs({ persistence: { timeoutS: 300, netmask: 33 } }),
    expected: [{ path: at('persistence', 'netmask'), message: 'must be at most 32 for ipv4' }],
  },
  {
    rule: 'a persistence netmask up to 128 is fine for IPv6',
    model: vs({
      address: '2001:db8:10::80',
      persistence: { timeoutS: 300, netmask: 64 },
      realServers: [realServer({ address: '2001:db8:20::11' })],
    }),
    expected: [],
  },
  {
    rule: 'an IPv6 persistence netmask is at least 1 (the kernel refuses 0)',
    model: vs({
      address: '2001:db8:10::80',
      persistence: { timeoutS: 300, netmask: 0 },
      realServers: [realServer({ address: '2001:db8:20::11' })],
    }),
    expected: [{ path: at('persistence', 'netmask'), message: 'must be at least 1 for ipv6' }],
  },
  {
    rule: 'a sorry server has the family of the virtual server',
    model: vs({ sorryServer: { address: '2001:db8::250', port: 80 } }),
    expected: [
      { path: at('sorryServer', 'address'), message: 'must be ipv4 like the virtual server' },
    ],
  },
  {
    rule: 'a tunnelled sorry server may be of the other family',
    model: vs({ sorryServer: { address: '2001:db8::250', port: 80, forwarding: 'tun' } }),
    expected: [],
  },
  {
    rule: "a sorry server inherits the virtual server's tun forwarding",
    model: vs({
      forwarding: 'tun',
      realServers: [realServer({ port: 80 })],
      sorryServer: { address: '2001:db8::250', port: 80 },
    }),
    expected: [],
  },
  {
    rule: 'scheduler flags need the sh or mh scheduler',
    model: vs({ scheduler: 'wlc', schedulerFlags: ['sh-port'] }),
    expected: [
      { path: at('schedulerFlags'), message: 'flags sh-port do not apply to scheduler wlc' },
    ],
  },
  {
    rule: 'scheduler flags match their scheduler',
    model: vs({ scheduler: 'sh', schedulerFlags: ['sh-fallback', 'mh-port'] }),
    expected: [
      {
        path: at('schedulerFlags'),
        message: 'flags sh-fallback, mh-port do not apply to scheduler sh',
      },
    ],
  },
  {
    rule: 'mh flags with the mh scheduler are fine',
    model: vs({ scheduler: 'mh', schedulerFlags: ['mh-fallback', 'mh-port'] }),
    expected: [],
  },
  {
    rule: 'vrrpInstance names an instance',
    model: vs({ vrrpInstance: 'vi-gone' }),
    expected: [{ path: at('vrrpInstance'), message: 'no VRRP instance vi-gone' }],
  },
  {
    rule: "the address is a VIP of the virtual server's instance",
    model: vs({ vrrpInstance: 'vi-web', address: '192.0.2.99' }),
    expected: [{ path: at('address'), message: '192.0.2.99 is not a VIP of VRRP instance vi-web' }],
  },
  {
    rule: 'the address is compared with the VIPs canonically',
    model: {
      instances: [v6Instance],
      virtualServers: [
        virtualServer({
          vrrpInstance: 'vi-v6',
          address: '2001:DB8:10:0::80',
          realServers: [realServer({ address: '2001:db8:20::11' })],
        }),
      ],
    },
    expected: [],
  },
  {
    rule: 'hysteresis is smaller than quorum',
    model: vs({ quorum: 2, hysteresis: 2 }),
    expected: [{ path: at('hysteresis'), message: 'must be smaller than quorum' }],
  },
  {
    rule: 'quorum 0 turns the hysteresis rule off',
    model: vs({ quorum: 0, hysteresis: 0 }),
    expected: [],
  },
  {
    rule: 'virtual server names are unique',
    model: { virtualServers: [virtualServer(), virtualServer({ port: 443 })] },
    expected: [
      {
        path: ['virtualServers', 1, 'name'],
        message: 'duplicate virtual server name web-http (also at index 0)',
      },
    ],
  },
  {
    rule: 'one virtual server per protocol, address and port, compared canonically',
    model: {
      virtualServers: [
        virtualServer({ address: '2001:db8:10::80', realServers: [] }),
        virtualServer({ name: 'web-again', address: '2001:DB8:10:0:0::80', realServers: [] }),
        virtualServer({
          name: 'web-udp',
          address: '2001:db8:10::80',
          protocol: 'udp',
          realServers: [],
        }),
      ],
    },
    expected: [
      {
        path: ['virtualServers', 1, 'address'],
        message: 'duplicate virtual server tcp:[2001:db8:10::80]:80 (also at index 0)',
      },
    ],
  },
  {
    rule: 'one virtual server per fwmark and family',
    model: {
      virtualServers: [
        { name: 'fw-a', fwmark: 10, family: 'ipv4', realServers: [] },
        { name: 'fw-b', fwmark: 10, family: 'ipv4', realServers: [] },
        { name: 'fw-c', fwmark: 10, family: 'ipv6', realServers: [] },
      ],
    },
    expected: [
      {
        path: ['virtualServers', 1, 'address'],
        message: 'duplicate virtual server fwmark:ipv4:10 (also at index 0)',
      },
    ],
  },
];

const REAL_SERVER_RULES: Case[] = [
  {
    rule: 'a real server has the family of the virtual server',
    model: vs({
      realServers: [realServer(), realServer({ name: 'web-2', address: '2001:db8:20::12' })],
    }),
    expected: [
      {
        path: rsAt(1, 'address'),
        message: 'must be ipv4 like the virtual server (only tunnelling mixes families)',
      },
    ],
  },
  {
    rule: 'a tunnelled real server may be of the other family',
    model: vs({
      realServers: [realServer({ address: '2001:db8:20::12', port: 80, forwarding: 'tun' })],
    }),
    expected: [],
  },
  {
    rule: 'direct routing cannot change the port',
    model: vs({
      forwarding: 'dr',
      realServers: [
        realServer({ port: 80 }),
        realServer({ name: 'web-2', address: '198.51.100.12' }),
      ],
    }),
    expected: [
      { path: rsAt(1, 'port'), message: 'dr forwarding cannot change the port: must be 80' },
    ],
  },
  {
    rule: 'tunnelling cannot change the port either',
    model: vs({ realServers: [realServer({ forwarding: 'tun' })] }),
    expected: [
      { path: rsAt(0, 'port'), message: 'tun forwarding cannot change the port: must be 80' },
    ],
  },
  {
    rule: 'a NAT real server under a DR virtual server may change the port',
    model: vs({ forwarding: 'dr', realServers: [realServer({ forwarding: 'nat' })] }),
    expected: [],
  },
  {
    rule: 'NAT forwarding needs a real server port',
    model: vs({ realServers: [realServer({ port: 0 })] }),
    expected: [{ path: rsAt(0, 'port'), message: 'NAT forwarding needs a real server port' }],
  },
  {
    rule: 'lowerThreshold does not exceed upperThreshold',
    model: vs({ realServers: [realServer({ upperThreshold: 100, lowerThreshold: 101 })] }),
    expected: [{ path: rsAt(0, 'lowerThreshold'), message: 'must not exceed upperThreshold' }],
  },
  {
    rule: 'a lowerThreshold needs an upperThreshold: the kernel refuses lower > upper even at 0',
    model: vs({ realServers: [realServer({ upperThreshold: 0, lowerThreshold: 50 })] }),
    expected: [{ path: rsAt(0, 'lowerThreshold'), message: 'must not exceed upperThreshold' }],
  },
  {
    rule: 'real server names are unique within a virtual server',
    model: vs({ realServers: [realServer(), realServer({ address: '198.51.100.12' })] }),
    expected: [
      { path: rsAt(1, 'name'), message: 'duplicate real server name web-1 (also at index 0)' },
    ],
  },
  {
    rule: 'one real server per address and port, compared canonically',
    model: {
      virtualServers: [
        virtualServer({
          address: '2001:db8:10::80',
          realServers: [
            realServer({ address: '2001:db8:20::11' }),
            realServer({ name: 'web-2', address: '2001:DB8:20:0::11' }),
          ],
        }),
      ],
    },
    expected: [
      {
        path: rsAt(1, 'address'),
        message: 'duplicate real server [2001:db8:20::11]:8080 (also at index 0)',
      },
    ],
  },
];

for (const { name, run } of VALIDATORS) {
  describe(`${name}: virtual server rules`, () => {
    for (const { rule, model, expected } of VIRTUAL_SERVER_RULES)
      test(rule, () => assertIssues(run(model), expected));
  });
  describe(`${name}: real server rules`, () => {
    for (const { rule, model, expected } of REAL_SERVER_RULES)
      test(rule, () => assertIssues(run(model), expected));
  });
}

describe('validateSite: API-only virtual server rules', () => {
  test('a fwmark virtual server needs a family (the document always carries one)', () => {
    assertIssues(validateSite(site({ virtualServers: [{ name: 'fw', fwmark: 10 }] })), [
      { path: at('family'), message: 'family is required for a fwmark virtual server' },
    ]);
  });

  test('real server rules are skipped when a write leaves the real servers out', () => {
    const { realServers: _omitted, ...bare } = virtualServer({ forwarding: 'dr' });
    assertIssues(validateSite(site({ virtualServers: [bare] })), []);
  });
});
