/**
 * agent/core/ipvs/plan.ts and apply-to-table.ts: one table test per planner rule (ordering,
 * ownership, draining, the blast-radius cap, as agent/core/ipvs/plan.ts states them), then
 * fast-check properties over random IPv4/IPv6/fwmark tables run through the pure applier.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  destinationKey,
  serviceKey,
  ZERO_STATS,
  type DesiredService,
  type IpvsDestination,
  type IpvsSchedulerFlag,
  type IpvsServiceId,
  type IpvsTable,
  type ObservedService,
} from '../../agent/core/ipvs/model.js';
import { service, SERVICE_CONFIG, VIP } from '../support/ipvs-builders.js';
import { plan, type PlanOptions } from '../../agent/core/ipvs/plan.js';
import { isDestructive, type IpvsOp } from '../../agent/core/ipvs/operations.js';
import { applyOps, IpvsApplyError } from '../../agent/core/ipvs/apply-to-table.js';

// ---------------------------------------------------------------------------------------------
// Builders

const MARK6 = { family: 'ipv6', fwmark: 7 } as const;

function dest(address: string, weight = 10, over: Partial<IpvsDestination> = {}): IpvsDestination {
  const base = { address, port: 80, forwarding: 'nat', weight } as const;
  return { ...base, upperThreshold: 0, lowerThreshold: 0, ...over };
}

/** Connections per `serviceKey|destinationKey`: [active, inactive]. */
type Conns = Record<string, [number, number]>;

function observe(table: IpvsTable<DesiredService>, conns: Conns = {}): IpvsTable<ObservedService> {
  return {
    services: table.services.map((s) => ({
      ...s,
      stats: ZERO_STATS,
      destinations: s.destinations.map((d) => {
        const [active, inactive] = conns[`${serviceKey(s)}|${destinationKey(d)}`] ?? [0, 0];
        const counters = { activeConnections: active, inactiveConnections: inactive };
        return { ...d, ...counters, persistentConnections: 0, stats: ZERO_STATS };
      }),
    })),
  };
}

const table = (...services: DesiredService[]): IpvsTable<DesiredService> => ({ services });
const keys = (t: IpvsTable<DesiredService>) => new Set(t.services.map(serviceKey));

function options(over: Partial<PlanOptions> = {}): PlanOptions {
  return {
    ...{ owned: new Set<string>(), adopt: false, drain: false, now: 0 },
    ...{ drainingSince: new Map<string, number>(), maxDestructive: Infinity },
    ...over,
  };
}

/** A table sorted by key (services, destinations, flags), for order-free comparison. */
function normal(t: IpvsTable<DesiredService>): IpvsTable<DesiredService> {
  const byKey =
    <T>(key: (x: T) => string) =>
    (a: T, b: T) =>
      key(a) < key(b) ? -1 : 1;
  return {
    services: [...t.services].sort(byKey(serviceKey)).map((s) => ({
      ...s,
      schedulerFlags: [...new Set(s.schedulerFlags)].sort(),
      destinations: [...s.destinations].sort(byKey(destinationKey)),
    })),
  };
}

const types = (ops: readonly IpvsOp[]) => ops.map((op) => op.type);
const DB = '198.51.100.';
const SVC = serviceKey(VIP);

// ---------------------------------------------------------------------------------------------
// Rules

describe('plan: one rule per test', () => {
  test('empty kernel → services first, then destinations, sorted by key; all become owned', () => {
    const desired = table(
      service(MARK6, [dest('2001:db8::11', 5, { port: 0, forwarding: 'dr' })]),
      service(VIP, [dest(`${DB}12`), dest(`${DB}11`)]),
    );
    const result = plan(observe(table()), desired, options());
    const fwmark = { family: 'ipv6', fwmark: 7 };
    assert.deepEqual(result.ops, [
      {
        type: 'add-service',
        service: { ...fwmark, ...SERVICE_CONFIG, persistenceNetmaskBits: 128 },
      },
      { type: 'add-service', service: { ...VIP, ...SERVICE_CONFIG } },
      {
        type: 'add-destination',
        service: fwmark,
        destination: desired.services[0]?.destinations[0],
      },
      { type: 'add-destination', service: VIP, destination: dest(`${DB}11`) },
      { type: 'add-destination', service: VIP, destination: dest(`${DB}12`) },
    ]);
    assert.deepEqual(result.owned, keys(desired));
    assert.deepEqual([result.deferred, result.conflicts], [[], []]);
  });

  test('a weight change is one update-destination', () => {
    const observed = observe(table(service(VIP, [dest(`${DB}11`, 10), dest(`${DB}12`, 10)])));
    const desired = table(service(VIP, [dest(`${DB}11`, 10), dest(`${DB}12`, 30)]));
    const { ops } = plan(observed, desired, options({ owned: keys(desired) }));
    assert.deepEqual(ops, [
      {
        type: 'update-destination',
        service: VIP,
        destination: dest(`${DB}12`, 30),
        changed: ['weight'],
      },
    ]);
  });

  test('a scheduler change is one update-service; flags compare as sets; counters are ignored', () => {
    const flags: IpvsSchedulerFlag[] = ['sh-port', 'sh-fallback'];
    const observed = observe(table(service(VIP, [dest(`${DB}11`)], { schedulerFlags: flags })), {
      [`${SVC}|${DB}11:80`]: [40, 7],
    });
    const desired = table(
      service(VIP, [dest(`${DB}11`)], { scheduler: 'sh', schedulerFlags: [...flags].reverse() }),
    );
    const { ops } = plan(observed, desired, options({ owned: keys(desired) }));
    const updated = {
      ...VIP,
      ...SERVICE_CONFIG,
      scheduler: 'sh',
      schedulerFlags: ['sh-fallback', 'sh-port'],
    };
    assert.deepEqual(ops, [{ type: 'update-service', service: updated, changed: ['scheduler'] }]);
  });

  test('an identity change is a delete plus an add (service: no per-destination deletes)', () => {
    const moved = { ...VIP, port: 8080 };
    const observed = observe(table(service(VIP, [dest(`${DB}11`)])));
    const desired = table(service(moved, [dest(`${DB}11`), dest(`${DB}12`, 10, { port: 81 })]));
    const first = plan(observed, desired, options({ owned: keys(table(service(VIP))) }));
    assert.deepEqual(types(first.ops), [
      'add-service',
      'add-destination',
      'add-destination',
      'delete-service',
    ]);
    assert.deepEqual(first.ops.at(-1), { type: 'delete-service', service: VIP });
    assert.deepEqual(first.owned, new Set([serviceKey(moved)]));

    const portMoved = table(service(VIP, [dest(`${DB}11`, 10, { port: 8080 })]));
    const second = plan(observed, portMoved, options({ owned: keys(portMoved) }));
    assert.deepEqual(second.ops, [
      { type: 'add-destination', service: VIP, destination: dest(`${DB}11`, 10, { port: 8080 }) },
      { type: 'delete-destination', service: VIP, destination: { address: `${DB}11`, port: 80 } },
    ]);
  });

  test("a service neither desired nor owned (another tool's) is never touched", () => {
    const theirs = service({ ...VIP, port: 443 }, [dest(`${DB}99`)]);
    const ours = service(VIP, [dest(`${DB}11`)]);
    const result = plan(
      observe(table(theirs, ours)),
      table(ours),
      options({ owned: keys(table(ours)) }),
    );
    assert.deepEqual(result.ops, []);
    assert.deepEqual(result.owned, keys(table(ours)));
  });

  test('an existing unowned desired service: conflict without adopt, taken over with it', () => {
    const observed = observe(table(service(VIP, [dest(`${DB}11`, 1), dest(`${DB}99`)])));
    const desired = table(service(VIP, [dest(`${DB}11`, 10)]));
    const refused = plan(observed, desired, options());
    assert.deepEqual(refused.ops, []);
    assert.deepEqual(refused.conflicts, [{ reason: 'exists-not-owned', service: VIP }]);
    assert.deepEqual(refused.owned, new Set());

    const adopted = plan(observed, desired, options({ adopt: true }));
    assert.deepEqual(types(adopted.ops), ['update-destination', 'delete-destination']);
    assert.deepEqual(adopted.conflicts, []);
    assert.deepEqual(adopted.owned, keys(desired));
  });

  test('deleting an owned service emits one delete-service, no per-destination deletes', () => {
    const gone = service(VIP, [dest(`${DB}11`), dest(`${DB}12`), dest(`${DB}13`)]);
    const result = plan(observe(table(gone)), table(), options({ owned: keys(table(gone)) }));
    assert.deepEqual(result.ops, [{ type: 'delete-service', service: VIP }]);
    assert.deepEqual(result.owned, new Set());
  });

  test('duplicates in the desired table: the first wins, the rest are conflicts', () => {
    const desired = table(
      service(VIP, [dest(`${DB}11`, 1), dest(`${DB}11`, 2)]),
      service(VIP, [], { scheduler: 'rr' }),
    );
    const result = plan(observe(table()), desired, options());
    assert.deepEqual(types(result.ops), ['add-service', 'add-destination']);
    assert.deepEqual(result.conflicts.map((c) => c.reason).sort(), [
      'duplicate-desired-destination',
      'duplicate-desired-service',
    ]);
  });

  test('nonsense options are refused', () => {
    assert.throws(
      () => plan(observe(table()), table(), options({ maxDestructive: -1 })),
      RangeError,
    );
    assert.throws(
      () => plan(observe(table()), table(), options({ maxDestructive: NaN })),
      RangeError,
    );
    const drain = { graceMs: -5 };
    assert.throws(() => plan(observe(table()), table(), options({ drain })), RangeError);
  });
});

describe('plan: draining (kube-proxy graceful_termination.go)', () => {
  const drain = { graceMs: 10_000 };
  const both = table(service(VIP, [dest(`${DB}11`), dest(`${DB}12`)]));
  const one = table(service(VIP, [dest(`${DB}11`)]));
  const KEY = `${SVC}|${DB}12:80`;
  const zeroed = table(service(VIP, [dest(`${DB}11`), dest(`${DB}12`, 0)]));
  const opts = (now: number, since?: number) =>
    options({
      owned: keys(both),
      drain,
      now,
      drainingSince: new Map(since === undefined ? [] : [[KEY, since]]),
    });

  test('a removed destination with connections goes to weight 0 first and is recorded', () => {
    const result = plan(observe(both, { [KEY]: [5, 1] }), one, opts(1_000));
    assert.deepEqual(result.ops, [
      {
        type: 'update-destination',
        service: VIP,
        destination: dest(`${DB}12`, 0),
        changed: ['weight'],
      },
    ]);
    assert.deepEqual(result.drainingSince, new Map([[KEY, 1_000]]));
    assert.deepEqual(result.deferred, []);
  });

  test('while connections remain and the grace lasts: nothing, and the start is kept', () => {
    const result = plan(observe(zeroed, { [KEY]: [3, 0] }), one, opts(5_000, 1_000));
    assert.deepEqual(result.ops, []);
    assert.deepEqual(result.drainingSince, new Map([[KEY, 1_000]]));
  });

  test('deleted once its connections reach 0', () => {
    const result = plan(observe(zeroed), one, opts(5_000, 1_000));
    assert.deepEqual(result.ops, [
      { type: 'delete-destination', service: VIP, destination: { address: `${DB}12`, port: 80 } },
    ]);
    assert.deepEqual(result.drainingSince, new Map());
  });

  test('deleted when the grace period is over, connections or not', () => {
    const result = plan(observe(zeroed, { [KEY]: [3, 9] }), one, opts(11_000, 1_000));
    assert.deepEqual(types(result.ops), ['delete-destination']);
    assert.deepEqual(result.drainingSince, new Map());
  });

  test('a destination that comes back cancels its drain and gets its weight back', () => {
    const result = plan(observe(zeroed, { [KEY]: [3, 0] }), both, opts(5_000, 1_000));
    assert.deepEqual(result.ops, [
      {
        type: 'update-destination',
        service: VIP,
        destination: dest(`${DB}12`),
        changed: ['weight'],
      },
    ]);
    assert.deepEqual(result.drainingSince, new Map());
  });

  test('entries of destinations that vanished from the kernel are dropped', () => {
    const result = plan(observe(one), one, opts(5_000, 1_000));
    assert.deepEqual([result.ops, result.drainingSince], [[], new Map()]);
  });

  test('a removed service drains all its destinations, then goes in one delete-service', () => {
    const busy = { [KEY]: [2, 0] as [number, number] };
    const first = plan(observe(both, busy), table(), opts(1_000));
    assert.deepEqual(types(first.ops), ['update-destination', 'update-destination']);
    assert.ok(
      first.ops.every((op) => op.type === 'update-destination' && op.destination.weight === 0),
    );
    assert.deepEqual(first.owned, keys(both), 'still owned while draining');
    assert.equal(first.drainingSince.size, 2);

    const drained = table(service(VIP, [dest(`${DB}11`, 0), dest(`${DB}12`, 0)]));
    const waiting = plan(observe(drained, busy), table(), {
      ...opts(2_000),
      drainingSince: first.drainingSince,
    });
    assert.deepEqual(waiting.ops, []);
    const done = plan(observe(drained), table(), {
      ...opts(3_000),
      drainingSince: first.drainingSince,
    });
    assert.deepEqual(done.ops, [{ type: 'delete-service', service: VIP }]);
    assert.deepEqual([done.owned, done.drainingSince], [new Set(), new Map()]);
  });

  test('with no connections at all, draining deletes at once (same ops as without it)', () => {
    const withDrain = plan(observe(both), table(service(VIP)), opts(0));
    const without = plan(observe(both), table(service(VIP)), options({ owned: keys(both) }));
    assert.deepEqual(withDrain.ops, without.ops);
  });
});

describe('plan: blast-radius cap (Seesaw rateLimitVS)', () => {
  const svcs = [1, 2, 3].map((n) => service({ ...VIP, port: 1000 + n }, [dest(`${DB}1${n}`)]));
  const kept = service(VIP, [dest(`${DB}11`), dest(`${DB}12`), dest(`${DB}13`)]);
  const before = table(kept, ...svcs);
  const after = table(service(VIP, [dest(`${DB}11`)]));

  test('destructive ops beyond the cap are deferred; the rest still go through', () => {
    const result = plan(
      observe(before),
      after,
      options({ owned: keys(before), maxDestructive: 2 }),
    );
    assert.deepEqual(types(result.ops), ['delete-destination', 'delete-destination']);
    assert.deepEqual(types(result.deferred), [
      'delete-service',
      'delete-service',
      'delete-service',
    ]);
    assert.deepEqual(result.owned, keys(before), 'services whose delete was deferred stay owned');
  });

  test('a deferred delete does not leave a removed destination taking traffic when draining', () => {
    const result = plan(observe(before), after, {
      ...options({ owned: keys(before), maxDestructive: 0, drain: { graceMs: 0 } }),
    });
    assert.ok(
      result.ops.every((op) => op.type === 'update-destination' && op.destination.weight === 0),
    );
    assert.equal(result.ops.length, 5, 'two removed destinations + three in removed services');
    assert.equal(result.deferred.length, 5);
  });

  test('repeated planning converges, never more than the cap per round', () => {
    let current = before;
    let owned: ReadonlySet<string> = keys(before);
    for (let round = 0; ; round++) {
      assert.ok(round < 4, 'converges in ⌈5 / 2⌉ rounds');
      const result = plan(observe(current), after, options({ owned, maxDestructive: 2 }));
      if (result.ops.length === 0 && result.deferred.length === 0) break;
      assert.ok(result.ops.filter(isDestructive).length <= 2);
      current = applyOps(current, result.ops);
      owned = result.owned;
    }
    assert.deepEqual(normal(current), normal(after));
  });
});

describe('plan: deterministic output', () => {
  test('input order does not change the plan; phases come in order', () => {
    const observed = table(
      service({ ...VIP, port: 9 }, [dest(`${DB}1`)]),
      service(VIP, [dest(`${DB}13`), dest(`${DB}11`, 1)]),
      service(MARK6, [dest('2001:db8::2')]),
    );
    const desired = table(
      service(VIP, [dest(`${DB}12`), dest(`${DB}11`)], { scheduler: 'rr' }),
      service({ ...VIP, protocol: 'udp' }, [dest(`${DB}12`), dest(`${DB}11`)]),
      service(MARK6, [dest('2001:db8::1')]),
    );
    const owned = new Set([...keys(observed), ...keys(desired)]);
    const reversed = (t: IpvsTable<DesiredService>) =>
      table(
        ...[...t.services]
          .reverse()
          .map((s) => ({ ...s, destinations: [...s.destinations].reverse() })),
      );
    const a = plan(observe(observed), desired, options({ owned }));
    const b = plan(observe(reversed(observed)), reversed(desired), options({ owned }));
    assert.deepEqual(a, b);
    const phase = (op: IpvsOp) =>
      ['add-service', 'update-service', 'add-destination', 'update-destination'].indexOf(op.type) >>
      1;
    const phases = a.ops.map((op) =>
      phase(op) >= 0 ? phase(op) : op.type === 'delete-destination' ? 3 : 4,
    );
    assert.deepEqual(phases, [...phases].sort());
    assert.deepEqual(normal(applyOps(observed, a.ops)), normal(desired));
  });
});

describe('applyOps: refuses what the kernel refuses', () => {
  const base = table(service(VIP, [dest(`${DB}11`)]));
  const cases: [string, IpvsOp, RegExp][] = [
    [
      'add of an existing service',
      { type: 'add-service', service: { ...VIP, ...SERVICE_CONFIG } },
      /service exists/,
    ],
    [
      'update of a missing service',
      { type: 'update-service', service: { ...MARK6, ...SERVICE_CONFIG }, changed: [] },
      /service missing/,
    ],
    ['delete of a missing service', { type: 'delete-service', service: MARK6 }, /service missing/],
    [
      'destination op on a missing service',
      { type: 'add-destination', service: MARK6, destination: dest('2001:db8::1') },
      /service missing/,
    ],
    [
      'add of an existing destination',
      { type: 'add-destination', service: VIP, destination: dest(`${DB}11`) },
      /destination exists/,
    ],
    [
      'update of a missing destination',
      { type: 'update-destination', service: VIP, destination: dest(`${DB}12`), changed: [] },
      /destination missing/,
    ],
    [
      'delete of a missing destination',
      { type: 'delete-destination', service: VIP, destination: { address: `${DB}12`, port: 80 } },
      /destination missing/,
    ],
  ];
  for (const [name, op, message] of cases) {
    test(name, () => {
      assert.throws(
        () => applyOps(base, [op]),
        (e: unknown) => e instanceof IpvsApplyError && message.test(e.message),
      );
    });
  }

  test('a destination op after its service was deleted in the same list', () => {
    const ops: IpvsOp[] = [
      { type: 'delete-service', service: VIP },
      { type: 'delete-destination', service: VIP, destination: { address: `${DB}11`, port: 80 } },
    ];
    assert.throws(() => applyOps(base, ops), /op #1 delete-destination .*service missing/);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

/** Plain objects: `deepEqual` compares prototypes, and fast-check may generate null ones. */
const PLAIN = { noNullPrototype: true } as const;

const serviceIdArb: fc.Arbitrary<IpvsServiceId> = fc.oneof(
  fc.record(
    {
      family: fc.constant('ipv4' as const),
      protocol: fc.constantFrom('tcp' as const, 'udp' as const, 'sctp' as const),
      address: fc.constantFrom('192.0.2.1', '192.0.2.2', '10.0.0.1'),
      port: fc.constantFrom(80, 443),
    },
    PLAIN,
  ),
  fc.record(
    {
      family: fc.constant('ipv6' as const),
      protocol: fc.constantFrom('tcp' as const, 'udp' as const),
      address: fc.constantFrom('2001:db8::1', '2001:db8::2'),
      port: fc.constantFrom(80, 443),
    },
    PLAIN,
  ),
  fc.record(
    {
      family: fc.constantFrom('ipv4' as const, 'ipv6' as const),
      fwmark: fc.constantFrom(1, 7),
    },
    PLAIN,
  ),
);

const FLAGS: Record<string, IpvsSchedulerFlag[]> = {
  sh: ['sh-fallback', 'sh-port'],
  mh: ['mh-fallback', 'mh-port'],
};

function destinationsArb(family: 'ipv4' | 'ipv6'): fc.Arbitrary<IpvsDestination[]> {
  const addresses =
    family === 'ipv4'
      ? ['198.51.100.1', '198.51.100.2', '198.51.100.3']
      : ['2001:db8::a', '2001:db8::b', '2001:db8::c'];
  const destination = fc.record(
    {
      address: fc.constantFrom(...addresses),
      port: fc.constantFrom(80, 8080),
      forwarding: fc.constantFrom('nat' as const, 'dr' as const, 'tun' as const),
      weight: fc.integer({ min: 0, max: 3 }),
      upperThreshold: fc.constantFrom(0, 100),
      lowerThreshold: fc.constantFrom(0, 50),
    },
    PLAIN,
  );
  return fc.uniqueArray(destination, { maxLength: 5, selector: destinationKey });
}

const serviceArb: fc.Arbitrary<DesiredService> = serviceIdArb.chain((id) =>
  fc
    .record({
      scheduler: fc.constantFrom('wlc', 'rr', 'sh', 'mh'),
      flagBits: fc.subarray([0, 1]),
      persistenceTimeoutS: fc.constantFrom(0, 300),
      persistenceNetmaskBits:
        id.family === 'ipv6' ? fc.constantFrom(64, 128) : fc.constantFrom(24, 32),
      onePacket: fc.boolean(),
      destinations: destinationsArb(id.family),
    })
    .map(({ flagBits, ...rest }) => ({
      ...id,
      ...rest,
      schedulerFlags: flagBits.flatMap((i) => FLAGS[rest.scheduler]?.[i] ?? []),
    })),
);

const tableArb = fc
  .uniqueArray(serviceArb, { maxLength: 5, selector: serviceKey })
  .map((services) => ({ services }));

/** Random connection counts for every destination of a table. */
const connsArb = fc.array(fc.tuple(fc.nat(2), fc.nat(2)), { minLength: 40, maxLength: 40 });

function observeWith(
  t: IpvsTable<DesiredService>,
  counts: [number, number][],
): IpvsTable<ObservedService> {
  const conns: Conns = {};
  let i = 0;
  for (const s of t.services) {
    for (const d of s.destinations)
      conns[`${serviceKey(s)}|${destinationKey(d)}`] = counts[i++ % counts.length] ?? [0, 0];
  }
  return observe(t, conns);
}

/** What the kernel should hold after a full plan: desired where fleetlb may act, else unchanged. */
function expectedTable(
  o: IpvsTable<DesiredService>,
  d: IpvsTable<DesiredService>,
  owned: ReadonlySet<string>,
  adopt: boolean,
): IpvsTable<DesiredService> {
  const desired = new Map(d.services.map((s) => [serviceKey(s), s]));
  const observed = new Map(o.services.map((s) => [serviceKey(s), s]));
  const services: DesiredService[] = [];
  for (const [key, s] of observed) {
    const mayAct = owned.has(key) || (adopt && desired.has(key));
    if (!mayAct) services.push(s);
    else if (desired.has(key)) services.push(desired.get(key) ?? s);
  }
  for (const [key, s] of desired) if (!observed.has(key)) services.push(s);
  return { services };
}

/** What carries from one planning round to the next. */
interface RoundState {
  current: IpvsTable<DesiredService>;
  owned: ReadonlySet<string>;
  draining: ReadonlyMap<string, number>;
}

const ownedArb = (o: IpvsTable<DesiredService>, d: IpvsTable<DesiredService>) =>
  fc.subarray([...new Set([...keys(o), ...keys(d)])]).map((k) => new Set(k));

describe('plan: properties', () => {
  test('plan(d, d) has no ops', () => {
    fc.assert(
      fc.property(tableArb, connsArb, fc.boolean(), (d, counts, adopt) => {
        const result = plan(
          observeWith(d, counts),
          d,
          options({ owned: keys(d), adopt, drain: { graceMs: 5 } }),
        );
        assert.deepEqual([result.ops, result.deferred, result.conflicts], [[], [], []]);
      }),
      { numRuns: 200 },
    );
  });

  test('applyOps(o, plan(o, d).ops) is d on owned+desired services, leaves the rest alone', () => {
    const input = fc
      .tuple(tableArb, tableArb)
      .chain(([o, d]) => fc.tuple(fc.constant(o), fc.constant(d), ownedArb(o, d), fc.boolean()));
    fc.assert(
      fc.property(input, connsArb, ([o, d, owned, adopt], counts) => {
        const result = plan(observeWith(o, counts), d, options({ owned, adopt }));
        assert.deepEqual(
          normal(applyOps(o, result.ops)),
          normal(expectedTable(o, d, owned, adopt)),
        );
        assert.deepEqual(result.deferred, []);
        assert.equal(
          result.conflicts.length,
          adopt
            ? 0
            : d.services.filter((s) => keys(o).has(serviceKey(s)) && !owned.has(serviceKey(s)))
                .length,
        );
      }),
      { numRuns: 300 },
    );
  });

  test('with a cap k and draining, no op is impossible, each round ≤ k deletes, and rounds reach d', () => {
    const input = fc
      .tuple(tableArb, tableArb)
      .chain(([o, d]) =>
        fc.tuple(
          fc.constant(o),
          fc.constant(d),
          ownedArb(o, d),
          fc.boolean(),
          fc.integer({ min: 1, max: 3 }),
          fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
        ),
      );
    fc.assert(
      fc.property(input, connsArb, ([o, d, owned, adopt, k, graceRounds], counts) => {
        const expected = normal(expectedTable(o, d, owned, adopt));
        const drain = graceRounds === undefined ? false : { graceMs: graceRounds * 1000 };
        let state: RoundState = { current: o, owned, draining: new Map() };
        for (let round = 0; round < 60; round++) {
          const opts = options({
            ...{ owned: state.owned, adopt, drain, now: round * 1000 },
            ...{ drainingSince: state.draining, maxDestructive: k },
          });
          const result = plan(observeWith(state.current, counts), d, opts);
          assert.ok(result.ops.filter(isDestructive).length <= k);
          assert.ok(result.deferred.every(isDestructive));
          const idle = result.ops.length + result.deferred.length + result.drainingSince.size === 0;
          if (idle) break;
          const current = applyOps(state.current, result.ops);
          state = { current, owned: result.owned, draining: result.drainingSince };
        }
        assert.deepEqual(normal(state.current), expected);
      }),
      { numRuns: 150 },
    );
  });
});
