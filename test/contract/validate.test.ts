/**
 * Semantic rules of contract/validate.ts about VRRP instances, run through both validateSite and
 * validateDesiredState where the rule is shared (virtual servers: validate-virtual-servers.test.ts).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatPath,
  instanceFamily,
  validateDesiredState,
  validateSite,
  virtualServerFamily,
  virtualServerKey,
} from '../../contract/index.js';
import {
  assertIssues,
  desiredState,
  instance,
  site,
  VALIDATORS,
  type Expected,
  type Model,
} from './builders.js';

interface Case {
  rule: string;
  model: Model;
  expected: Expected[];
}

const v6 = (over = {}) =>
  instance({ name: 'vi-v6', vrid: 61, vips: [{ address: '2001:db8:10::80' }], ...over });
const lb1 = { director: 'lb1', priority: 150 };
const api = (over = {}) =>
  instance({ name: 'vi-api', vrid: 52, vips: [{ address: '192.0.2.20' }], ...over });

/** Rules both validators enforce, at the same paths. */
const SHARED: Case[] = [
  {
    rule: 'RFC 3768 §5.3.7: VRRPv2 adverts are whole seconds',
    model: { instances: [instance({ version: 2, advertIntervalCs: 150 })] },
    expected: [
      {
        path: ['vrrpInstances', 0, 'advertIntervalCs'],
        message: 'VRRPv2 adverts are whole seconds',
      },
    ],
  },
  {
    rule: 'RFC 3768 §1: VRRPv2 carries IPv4 only',
    model: { instances: [v6({ version: 2 })] },
    expected: [
      {
        path: ['vrrpInstances', 0, 'version'],
        message: 'VRRPv2 carries IPv4 only; use version 3 for IPv6',
      },
    ],
  },
  {
    rule: 'RFC 9568 §9: VRRPv3 has no authentication',
    model: { instances: [instance({ authPassword: 'secret' })] },
    expected: [
      {
        path: ['vrrpInstances', 0, 'authPassword'],
        message: 'VRRPv3 has no authentication (RFC 9568 §9)',
      },
    ],
  },
  {
    rule: 'RFC 9568 §5.2.9: every VIP of an instance has the family of the first',
    model: {
      instances: [instance({ vips: [{ address: '192.0.2.10' }, { address: '2001:db8:10::80' }] })],
    },
    expected: [
      {
        path: ['vrrpInstances', 0, 'vips', 1, 'address'],
        message: 'every VIP of an instance must be ipv4 (RFC 9568 §5.2.9',
      },
    ],
  },
  {
    rule: 'a VIP prefix length is at most 32 for IPv4',
    model: { instances: [instance({ vips: [{ address: '192.0.2.10', prefixLength: 33 }] })] },
    expected: [
      { path: ['vrrpInstances', 0, 'vips', 0, 'prefixLength'], message: 'must be at most 32' },
    ],
  },
  {
    rule: 'VIPs are unique within an instance, compared canonically',
    model: {
      instances: [
        v6({
          vips: [
            { address: '2001:db8:10::80' },
            { address: '2001:DB8:10:0:0:0:0:80', prefixLength: 64 },
          ],
        }),
      ],
    },
    expected: [
      {
        path: ['vrrpInstances', 0, 'vips', 1, 'address'],
        message: 'duplicate VIP 2001:db8:10::80 (also at index 0)',
      },
    ],
  },
  {
    rule: 'tracked check names are unique within an instance',
    model: {
      instances: [
        instance({
          trackedChecks: [
            { type: 'interface', name: 'trk-uplink', interface: 'eth1' },
            { type: 'script', name: 'trk-uplink', path: '/usr/bin/true' },
          ],
        }),
      ],
    },
    expected: [
      {
        path: ['vrrpInstances', 0, 'trackedChecks', 1, 'name'],
        message: 'duplicate tracked check trk-uplink (also at index 0)',
      },
    ],
  },
  {
    rule: 'a VIP belongs to one instance only',
    model: {
      instances: [
        instance(),
        api({ vips: [{ address: '192.0.2.20' }, { address: '192.0.2.10' }] }),
      ],
    },
    expected: [
      {
        path: ['vrrpInstances', 1, 'vips', 1, 'address'],
        message: 'VIP 192.0.2.10 is already in VRRP instance vi-web',
      },
    ],
  },
  {
    rule: 'RFC 9568 §7.3: one VRID per interface and family',
    // One member each: validateSite reports a collision once per director that has it.
    model: { instances: [instance({ members: [lb1] }), api({ vrid: 51, members: [lb1] })] },
    expected: [
      {
        path: ['vrrpInstances', 1, 'vrid'],
        message: 'VRID 51 is already used on eth0 by instance vi-web',
      },
    ],
  },
  {
    rule: 'RFC 9568 §7.3: the same VRID on another interface or in the other family is fine',
    model: { instances: [instance(), api({ vrid: 51, interface: 'eth1' }), v6({ vrid: 51 })] },
    expected: [],
  },
  {
    rule: 'VRRP instance names are unique',
    model: { instances: [instance(), api({ name: 'vi-web' })] },
    expected: [
      {
        path: ['vrrpInstances', 1, 'name'],
        message: 'duplicate VRRP instance name vi-web (also at index 0)',
      },
    ],
  },
  {
    rule: 'RFC 9568 §5.2.7: VRRPv3 adverts are at most 4095 cs',
    model: { instances: [instance({ advertIntervalCs: 4096 })] },
    expected: [{ path: ['vrrpInstances', 0, 'advertIntervalCs'], message: 'at most 4095 cs' }],
  },
  {
    rule: 'RFC 3768 §5.3.7: VRRPv2 adverts may reach 255 s',
    model: { instances: [instance({ version: 2, advertIntervalCs: 25500 })] },
    expected: [],
  },
  {
    rule: 'a tracked virtual server must exist',
    model: {
      instances: [
        instance({
          trackedChecks: [
            { type: 'virtual-server', name: 'backends', virtualServer: 'ghost', weight: -50 },
          ],
        }),
      ],
    },
    expected: [
      {
        path: ['vrrpInstances', 0, 'trackedChecks', 0, 'virtualServer'],
        message: 'no virtual server ghost',
      },
    ],
  },
  {
    rule: 'RFC 3768: a VRRPv2 instance with a password and 3 s adverts is valid',
    model: {
      instances: [instance({ version: 2, advertIntervalCs: 300, authPassword: 'k33pal1v' })],
    },
    expected: [],
  },
];

for (const { name, run } of VALIDATORS) {
  describe(`${name}: VRRP instance rules`, () => {
    for (const { rule, model, expected } of SHARED)
      test(rule, () => assertIssues(run(model), expected));
  });
}

describe('validateSite: member rules', () => {
  test('a director is a member of an instance at most once', () => {
    const members = [
      { director: 'lb1', priority: 150 },
      { director: 'lb1', priority: 100 },
    ];
    assertIssues(validateSite(site({ instances: [instance({ members })] })), [
      {
        path: ['vrrpInstances', 0, 'members', 1, 'director'],
        message: 'duplicate member lb1 (also at index 0)',
      },
    ]);
  });

  test('members name directors of the site', () => {
    const members = [
      { director: 'lb1', priority: 150 },
      { director: 'lb9', priority: 100 },
    ];
    assertIssues(validateSite(site({ instances: [instance({ members })] })), [
      {
        path: ['vrrpInstances', 0, 'members', 1, 'director'],
        message: 'no director lb9 in this site',
      },
    ]);
  });

  test('RFC 9568 §6.1: priority 255 is only for the owner of the VIPs', () => {
    const members = [
      { director: 'lb1', priority: 255 },
      { director: 'lb2', priority: 100 },
    ];
    assertIssues(validateSite(site({ instances: [instance({ members })] })), [
      {
        path: ['vrrpInstances', 0, 'members', 0, 'priority'],
        message:
          "255 is for the address owner: the director's address must be a VIP (RFC 9568 §6.1)",
      },
    ]);
    const owner = instance({
      members,
      vips: [{ address: '192.0.2.10' }, { address: '192.0.2.2' }],
    });
    assertIssues(validateSite(site({ instances: [owner] })), []);
  });

  test('unicast needs every member to have an address of the instance family', () => {
    assertIssues(validateSite(site({ instances: [v6({ unicast: true })] })), [
      {
        path: ['vrrpInstances', 0, 'members', 0, 'director'],
        message: 'unicast needs an ipv6 address on director lb1',
      },
      {
        path: ['vrrpInstances', 0, 'members', 1, 'director'],
        message: 'unicast needs an ipv6 address on director lb2',
      },
    ]);
    assertIssues(validateSite(site({ instances: [instance({ unicast: true })] })), []);
  });

  test("RFC 9568 §7.3: a member's interface override counts for the VRID", () => {
    const moved = api({
      vrid: 51,
      members: [
        { director: 'lb1', priority: 100 },
        { director: 'lb2', priority: 150, interface: 'eth1' },
      ],
    });
    assertIssues(validateSite(site({ instances: [instance(), moved] })), [
      {
        path: ['vrrpInstances', 1, 'vrid'],
        message: 'VRID 51 is already used on eth0 by instance vi-web (director lb1)',
      },
    ]);
  });

  test('instances on disjoint directors may share a VRID and interface', () => {
    const elsewhere = api({ vrid: 51, members: [{ director: 'lb3', priority: 100 }] });
    const directors = [
      { name: 'lb1', address: '192.0.2.2' },
      { name: 'lb2', address: '192.0.2.3' },
      { name: 'lb3', address: '192.0.2.4' },
    ];
    assertIssues(validateSite(site({ instances: [instance(), elsewhere], directors })), []);
  });
});

describe('validateDesiredState: director-side rules', () => {
  test('unicast needs at least one peer', () => {
    assertIssues(
      validateDesiredState(
        desiredState({ instances: [instance({ unicast: true, unicastSource: '192.0.2.2' })] }),
      ),
      [{ path: ['vrrpInstances', 0, 'unicastPeers'], message: 'unicast needs at least one peer' }],
    );
    const peered = instance({
      unicast: true,
      unicastSource: '192.0.2.2',
      unicastPeers: ['192.0.2.3'],
    });
    assertIssues(validateDesiredState(desiredState({ instances: [peered] })), []);
  });

  test('an instance without VIPs (notify-only) runs VRRPv2: v3 adverts carry an address', () => {
    assertIssues(
      validateDesiredState(desiredState({ instances: [instance({ version: 2, vips: [] })] })),
      [],
    );
    assertIssues(
      validateDesiredState(desiredState({ instances: [instance({ version: 3, vips: [] })] })),
      [
        {
          path: ['vrrpInstances', 0, 'vips'],
          message:
            'a VRRPv3 advert carries at least one address (RFC 9568 §5.2.5, erratum 8299): an instance without advertised VIPs (notify-only) runs version 2, as keepalived requires too',
        },
      ],
    );
  });

  test('unicast peers: family of the instance, not the director itself, no repeats', () => {
    const inst = instance({
      unicast: true,
      unicastSource: '192.0.2.2',
      unicastPeers: ['2001:db8::3', '192.0.2.2', '192.0.2.3', '192.0.2.3'],
    });
    assertIssues(validateDesiredState(desiredState({ instances: [inst] })), [
      { path: ['vrrpInstances', 0, 'unicastPeers', 0], message: 'must be ipv4' },
      { path: ['vrrpInstances', 0, 'unicastPeers', 1], message: "this director's own address" },
      {
        path: ['vrrpInstances', 0, 'unicastPeers', 3, 'address'],
        message: 'duplicate peer 192.0.2.3',
      },
    ]);
  });

  test('unicast peers and source that can never work are refused, saying why', () => {
    const inst = instance({
      unicast: true,
      unicastSource: '127.0.0.1',
      unicastPeers: ['224.0.0.18', '192.0.2.3', '0.0.0.0'],
    });
    assertIssues(validateDesiredState(desiredState({ instances: [inst] })), [
      { path: ['vrrpInstances', 0, 'unicastPeers', 0], message: 'multicast' },
      { path: ['vrrpInstances', 0, 'unicastPeers', 2], message: '0.0.0.0/8' },
      { path: ['vrrpInstances', 0, 'unicastSource'], message: 'loopback' },
    ]);
    const v6 = instance({
      vips: [{ address: '2001:db8::10' }],
      unicast: true,
      unicastSource: 'fe80::2',
      unicastPeers: ['fe80::3', 'ff02::12'],
    });
    assertIssues(validateDesiredState(desiredState({ instances: [v6] })), [
      { path: ['vrrpInstances', 0, 'unicastPeers', 1], message: 'multicast' },
    ]);
  });

  test("RFC 9568 §6.1: priority 255 needs the director's address among the VIPs", () => {
    assertIssues(validateDesiredState(desiredState({ instances: [instance({ priority: 255 })] })), [
      { path: ['vrrpInstances', 0, 'priority'], message: 'address owner' },
    ]);
    const owner = instance({ priority: 255, vips: [{ address: '192.0.2.2' }] });
    assertIssues(validateDesiredState(desiredState({ instances: [owner] })), []);
  });

  test('a document without instances or virtual servers is valid', () => {
    assertIssues(validateDesiredState(desiredState({ instances: [] })), []);
  });
});

describe('validation helpers', () => {
  test('formatPath renders paths the way problem details and NACKs carry them', () => {
    assert.equal(
      formatPath(['vrrpInstances', 0, 'vips', 1, 'address']),
      'vrrpInstances[0].vips[1].address',
    );
    assert.equal(formatPath(['virtualServers', 2]), 'virtualServers[2]');
    assert.equal(formatPath([]), '');
  });

  test('instanceFamily is the family of the first VIP', () => {
    assert.equal(
      instanceFamily({ vips: [{ address: '2001:db8::1' }, { address: '192.0.2.1' }] }),
      'ipv6',
    );
    assert.equal(instanceFamily({ vips: [{ address: '192.0.2.1' }] }), 'ipv4');
  });

  test('virtualServerFamily prefers the explicit family, then the address', () => {
    assert.equal(virtualServerFamily({ family: 'ipv6' }), 'ipv6');
    assert.equal(virtualServerFamily({ address: '2001:db8::1' }), 'ipv6');
    assert.equal(virtualServerFamily({ address: '192.0.2.1' }), 'ipv4');
  });

  test('virtualServerKey is canonical: equal services get equal keys', () => {
    const a = virtualServerKey({ address: '2001:DB8:0::10', port: 443, protocol: 'tcp' });
    assert.equal(a, 'tcp:[2001:db8::10]:443');
    assert.equal(virtualServerKey({ address: '2001:db8::10', port: 443, protocol: 'tcp' }), a);
    assert.notEqual(virtualServerKey({ address: '2001:db8::10', port: 443, protocol: 'udp' }), a);
    assert.equal(virtualServerKey({ fwmark: 10, family: 'ipv6' }), 'fwmark:ipv6:10');
    assert.notEqual(
      virtualServerKey({ fwmark: 10, family: 'ipv4' }),
      virtualServerKey({ fwmark: 10, family: 'ipv6' }),
    );
  });
});
