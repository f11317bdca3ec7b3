/**
 * agent/core/ipvs/ipvsadm-text.ts and test/support/ipvsadm-save.ts: ipvsadm command lines per op,
 * `ipvsadm -Sn` output as ipvsadm 1.31 prints it (ipvsadm.c `print_service_entry` with FMT_RULE,
 * libipvs `ipvs_cmp_services`/`ipvs_cmp_dests` order, glibc `inet_ntop` text), and the
 * render → parse round trip over random tables.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  destinationKey,
  serviceKey,
  type DesiredService,
  type IpvsDestination,
  type IpvsSchedulerFlag,
  type IpvsServiceId,
  type IpvsTable,
} from '../../agent/core/ipvs/model.js';
import { service, VIP } from '../support/ipvs-builders.js';
import type { IpvsOp } from '../../agent/core/ipvs/operations.js';
import { renderOp, renderRules } from '../../agent/core/ipvs/ipvsadm-text.js';
import { ntopText } from '../../agent/core/ipvs/ipvsadm-args.js';
import { IpvsadmParseError, parseIpvsadmSave } from '../support/ipvsadm-save.js';

const VIP6 = { family: 'ipv6', protocol: 'tcp', address: '2001:db8::1', port: 443 } as const;

function dest(address: string, port: number, over: Partial<IpvsDestination> = {}): IpvsDestination {
  const config = { forwarding: 'dr', weight: 1, upperThreshold: 0, lowerThreshold: 0 } as const;
  return { address, port, ...config, ...over };
}

describe('renderOp: the equivalent ipvsadm command (ipvsadm(8), ipvsadm.c parse_options)', () => {
  const real = dest('198.51.100.11', 80, { forwarding: 'nat', weight: 10 });
  const rows: [string, IpvsOp, string][] = [
    ['add-service', { type: 'add-service', service: service(VIP) }, '-A -t 192.0.2.1:80 -s wlc'],
    [
      'update-service with persistence (IPv4 mask dotted)',
      {
        type: 'update-service',
        service: service(VIP, [], { persistenceTimeoutS: 300, persistenceNetmaskBits: 24 }),
        changed: ['persistenceTimeoutS'],
      },
      '-E -t 192.0.2.1:80 -s wlc -p 300 -M 255.255.255.0',
    ],
    [
      'IPv6 persistence mask as a prefix length',
      {
        type: 'add-service',
        service: service(VIP6, [], { persistenceTimeoutS: 60, persistenceNetmaskBits: 64 }),
      },
      '-A -t [2001:db8::1]:443 -s wlc -p 60 -M 64',
    ],
    [
      'UDP one-packet with sh flags (fallback before port)',
      {
        type: 'add-service',
        service: service({ ...VIP, protocol: 'udp', port: 53 }, [], {
          scheduler: 'sh',
          schedulerFlags: ['sh-port', 'sh-fallback'],
          onePacket: true,
        }),
      },
      '-A -u 192.0.2.1:53 -s sh -o -b sh-fallback,sh-port',
    ],
    [
      'SCTP',
      { type: 'add-service', service: service({ ...VIP, protocol: 'sctp', port: 3868 }) },
      '-A --sctp-service 192.0.2.1:3868 -s wlc',
    ],
    [
      'a mask without persistence is still set (-E resets what it is not given)',
      { type: 'add-service', service: service(VIP, [], { persistenceNetmaskBits: 16 }) },
      '-A -t 192.0.2.1:80 -s wlc -M 255.255.0.0',
    ],
    [
      'delete-service, IPv6 fwmark',
      { type: 'delete-service', service: { family: 'ipv6', fwmark: 7 } },
      '-D -f 7 -6',
    ],
    [
      'add-destination, masquerading',
      { type: 'add-destination', service: VIP, destination: real },
      '-a -t 192.0.2.1:80 -r 198.51.100.11:80 -m -w 10',
    ],
    [
      'update-destination to weight 0 with thresholds',
      {
        type: 'update-destination',
        service: VIP,
        destination: {
          ...real,
          forwarding: 'dr',
          weight: 0,
          upperThreshold: 100,
          lowerThreshold: 50,
        },
        changed: ['weight'],
      },
      '-e -t 192.0.2.1:80 -r 198.51.100.11:80 -g -w 0 -x 100 -y 50',
    ],
    [
      'tunnel destination of an IPv4 fwmark service',
      {
        type: 'add-destination',
        service: { family: 'ipv4', fwmark: 7 },
        destination: dest('198.51.100.12', 0, { forwarding: 'tun', weight: 5 }),
      },
      '-a -f 7 -r 198.51.100.12:0 -i -w 5',
    ],
    [
      'delete-destination, IPv6',
      {
        type: 'delete-destination',
        service: VIP6,
        destination: { address: '2001:db8::11', port: 443 },
      },
      '-d -t [2001:db8::1]:443 -r [2001:db8::11]:443',
    ],
  ];
  for (const [name, op, line] of rows) test(name, () => assert.equal(renderOp(op), line));
});

describe('renderRules: `ipvsadm -Sn` (print_service_entry, FMT_RULE | FMT_NUMERIC)', () => {
  test('a mixed table, in libipvs order, with the same spellings', () => {
    const t = {
      services: [
        service({ family: 'ipv6', fwmark: 7 }, [dest('2001:db8::21', 0)], {
          persistenceTimeoutS: 60,
          persistenceNetmaskBits: 64,
        }),
        service({ family: 'ipv4', fwmark: 3 }, [dest('198.51.100.31', 0, { forwarding: 'tun' })]),
        service(VIP6, [dest('2001:db8::11', 443, { forwarding: 'nat', weight: 3 })]),
        service({ ...VIP, protocol: 'udp', port: 53 }, [], {
          scheduler: 'mh',
          schedulerFlags: ['mh-port'],
        }),
        service(
          VIP,
          [
            dest('198.51.100.12', 80, { upperThreshold: 100 }),
            dest('198.51.100.11', 8080, { forwarding: 'nat', weight: 10 }),
            dest('198.51.100.11', 80, { forwarding: 'nat', weight: 0 }),
          ],
          { persistenceTimeoutS: 300, persistenceNetmaskBits: 24 },
        ),
        // Not persistent: ipvsadm -S prints no -M even though the kernel keeps the mask.
        service({ ...VIP, port: 81 }, [], { persistenceNetmaskBits: 24, scheduler: 'rr' }),
      ],
    };
    assert.equal(
      renderRules(t),
      [
        '-A -t 192.0.2.1:80 -s wlc -p 300 -M 255.255.255.0',
        '-a -t 192.0.2.1:80 -r 198.51.100.11:80 -m -w 0',
        '-a -t 192.0.2.1:80 -r 198.51.100.11:8080 -m -w 10',
        '-a -t 192.0.2.1:80 -r 198.51.100.12:80 -g -w 1',
        '-A -t 192.0.2.1:81 -s rr',
        '-A -u 192.0.2.1:53 -s mh -b mh-port',
        '-A -t [2001:db8::1]:443 -s wlc',
        '-a -t [2001:db8::1]:443 -r [2001:db8::11]:443 -m -w 3',
        '-A -f 3 -s wlc',
        '-a -f 3 -r 198.51.100.31:0 -i -w 1 --tun-type ipip',
        '-A -f 7 -6 -s wlc -p 60 -M 64',
        '-a -f 7 -6 -r [2001:db8::21]:0 -g -w 1',
        '',
      ].join('\n'),
    );
    assert.match(renderRules(t, { thresholds: true }), /-r 198\.51\.100\.12:80 -g -w 1 -x 100\n/);
  });

  test('an empty table prints nothing (FMT_RULE has no header)', () => {
    assert.equal(renderRules({ services: [] }), '');
  });

  test('addresses ≥ 2³¹ apart sort as libipvs int subtraction sorts them (10.x after 192.x)', () => {
    const t = { services: [service({ ...VIP, address: '10.0.0.1' }), service(VIP)] };
    assert.deepEqual(renderRules(t).split('\n').slice(0, 2), [
      '-A -t 192.0.2.1:80 -s wlc',
      '-A -t 10.0.0.1:80 -s wlc',
    ]);
  });

  test('scheduler flags are named after the scheduler, flag-N for others (print_sched_flags)', () => {
    const t = { services: [service(VIP, [], { scheduler: 'wlc', schedulerFlags: ['sh-port'] })] };
    assert.equal(renderRules(t), '-A -t 192.0.2.1:80 -s wlc -b flag-2\n');
  });

  test('IPv6 text is glibc inet_ntop: dotted tails for ::/96 and ::ffff:0:0/96', () => {
    assert.equal(ntopText('::ffff:c000:201'), '::ffff:192.0.2.1');
    assert.equal(ntopText('::102:304'), '::1.2.3.4');
    assert.equal(ntopText('::1'), '::1');
    assert.equal(ntopText('::'), '::');
    assert.equal(ntopText('2001:db8::c000:201'), '2001:db8::c000:201');
    assert.equal(ntopText('192.0.2.1'), '192.0.2.1');
  });
});

describe('parseIpvsadmSave', () => {
  test('reads ipvsadm -Sn output, defaults included', () => {
    const text = [
      '-A -t 192.0.2.1:80 -s wlc -p 300 -M 255.255.255.0',
      '-a -t 192.0.2.1:80 -r 198.51.100.11:80 -m -w 10',
      '',
      '-A -f 7 -6 -s sh -b sh-fallback',
      '-a -f 7 -6 -r [2001:DB8:0::11]:0 -i -w 2 --tun-type ipip',
    ].join('\n');
    assert.deepEqual(parseIpvsadmSave(text), {
      services: [
        service(VIP, [dest('198.51.100.11', 80, { forwarding: 'nat', weight: 10 })], {
          persistenceTimeoutS: 300,
          persistenceNetmaskBits: 24,
        }),
        service(
          { family: 'ipv6', fwmark: 7 },
          [dest('2001:db8::11', 0, { forwarding: 'tun', weight: 2 })],
          {
            scheduler: 'sh',
            schedulerFlags: ['sh-fallback'],
          },
        ),
      ],
    });
  });

  const bad: [string, string, number, RegExp][] = [
    [
      'a destination before its service',
      '-a -t 192.0.2.1:80 -r 198.51.100.11:80 -g -w 1',
      1,
      /before its -A/,
    ],
    [
      'an unknown option',
      '-A -t 192.0.2.1:80 -s wlc\n-A -t 192.0.2.2:80 -s wlc --pe sip',
      2,
      /--pe/,
    ],
    ['flag-N', '\n-A -t 192.0.2.1:80 -s wlc -b flag-1', 2, /flag-1/],
    ['a GUE tunnel', '-A -f 1 -s rr\n-a -f 1 -r 10.0.0.1:0 -i -w 1 --tun-type gue', 2, /gue/],
    ['a non-contiguous mask', '-A -t 192.0.2.1:80 -s wlc -p 1 -M 255.0.255.0', 1, /netmask/],
    ['a bad address', '-A -t 192.0.2.300:80 -s wlc', 1, /address/],
    ['a missing value', '-A -t 192.0.2.1:80 -s', 1, /needs a value/],
    ['a service twice', '-A -t 192.0.2.1:80 -s wlc\n-A -t 192.0.2.1:80 -s rr', 2, /twice/],
  ];
  for (const [name, text, line, message] of bad) {
    test(`names the line of ${name}`, () => {
      assert.throws(
        () => parseIpvsadmSave(text),
        (e: unknown) =>
          e instanceof IpvsadmParseError &&
          e.line === line &&
          e.message.startsWith(`line ${line}: `) &&
          message.test(e.message),
      );
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Round trip

const PLAIN = { noNullPrototype: true } as const;
const v4 = fc.constantFrom('192.0.2.1', '10.0.0.1', '198.51.100.7', '203.0.113.255');
const v6 = fc.constantFrom(
  '2001:db8::1',
  '::ffff:c000:201',
  '::102:304',
  'fe80::1:2',
  '2001:db8:0:1:2:3:4:5',
);

const serviceIdArb: fc.Arbitrary<IpvsServiceId> = fc.oneof(
  fc.record(
    {
      family: fc.constant('ipv4' as const),
      protocol: fc.constantFrom('tcp' as const, 'udp' as const, 'sctp' as const),
      address: v4,
      port: fc.integer({ min: 0, max: 65535 }),
    },
    PLAIN,
  ),
  fc.record(
    {
      family: fc.constant('ipv6' as const),
      protocol: fc.constantFrom('tcp' as const, 'udp' as const, 'sctp' as const),
      address: v6,
      port: fc.integer({ min: 0, max: 65535 }),
    },
    PLAIN,
  ),
  fc.record(
    {
      family: fc.constantFrom('ipv4' as const, 'ipv6' as const),
      fwmark: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constant(0xffffffff)),
    },
    PLAIN,
  ),
);

const destinationArb = (family: 'ipv4' | 'ipv6') =>
  fc.record(
    {
      address: family === 'ipv4' ? v4 : v6,
      port: fc.integer({ min: 0, max: 65535 }),
      forwarding: fc.constantFrom('nat' as const, 'dr' as const, 'tun' as const),
      weight: fc.integer({ min: 0, max: 65535 }),
      upperThreshold: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 0x7fffffff })),
      lowerThreshold: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 0x7fffffff })),
    },
    PLAIN,
  );

const FLAGS: Record<string, IpvsSchedulerFlag[]> = {
  sh: ['sh-fallback', 'sh-port'],
  mh: ['mh-fallback', 'mh-port'],
};

/** Saveable tables: the mask is only set on persistent services (ipvsadm -S prints it only then). */
const serviceArb: fc.Arbitrary<DesiredService> = serviceIdArb.chain((id) => {
  const full = id.family === 'ipv6' ? 128 : 32;
  return fc
    .record({
      scheduler: fc.constantFrom('wlc', 'rr', 'sh', 'mh', 'lblc'),
      flagBits: fc.subarray([0, 1]),
      persistenceTimeoutS: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 86400 })),
      mask: fc.integer({ min: id.family === 'ipv6' ? 1 : 0, max: full }),
      onePacket: fc.boolean(),
      destinations: fc.uniqueArray(destinationArb(id.family), {
        maxLength: 5,
        selector: destinationKey,
      }),
    })
    .map(({ flagBits, mask, ...rest }) => ({
      ...id,
      ...rest,
      persistenceNetmaskBits: rest.persistenceTimeoutS > 0 ? mask : full,
      schedulerFlags: flagBits.flatMap((i) => FLAGS[rest.scheduler]?.[i] ?? []),
    }));
});

const tableArb = fc
  .uniqueArray(serviceArb, { maxLength: 5, selector: serviceKey })
  .map((services) => ({ services }));

/** Order-free form: services and destinations by key, flags sorted. */
function normal(t: IpvsTable<DesiredService>): IpvsTable<DesiredService> {
  const byKey =
    <T>(key: (x: T) => string) =>
    (a: T, b: T) =>
      key(a) < key(b) ? -1 : 1;
  return {
    services: [...t.services].sort(byKey(serviceKey)).map((s) => ({
      ...s,
      schedulerFlags: [...s.schedulerFlags].sort(),
      destinations: [...s.destinations].sort(byKey(destinationKey)),
    })),
  };
}

const withoutThresholds = (t: IpvsTable<DesiredService>): IpvsTable<DesiredService> => ({
  services: t.services.map((s) => ({
    ...s,
    destinations: s.destinations.map((d) => ({ ...d, upperThreshold: 0, lowerThreshold: 0 })),
  })),
});

describe('round trip: parseIpvsadmSave(renderRules(t))', () => {
  test('with thresholds appended it is t', () => {
    fc.assert(
      fc.property(tableArb, (t) => {
        assert.deepEqual(normal(parseIpvsadmSave(renderRules(t, { thresholds: true }))), normal(t));
      }),
      { numRuns: 300 },
    );
  });

  test('as ipvsadm -Sn prints it, it is t without thresholds', () => {
    fc.assert(
      fc.property(tableArb, (t) => {
        assert.deepEqual(normal(parseIpvsadmSave(renderRules(t))), normal(withoutThresholds(t)));
      }),
      { numRuns: 300 },
    );
  });
});
