/**
 * @module One suite for every IpvsClient: the real client over the fake generic-netlink kernel
 * (test/agent/ipvs-client-contract.test.ts), the client-level fake (same file) and the real
 * client against Debian's kernel in the VM (test/vm/guest/ipvs-client.guest.ts). The same
 * assertions everywhere, errno included, so each fake is held to what the kernel does.
 *
 * `open` must give a client on an empty IPVS table; the suite leaves the table empty.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyOps } from '../../agent/core/ipvs/apply-to-table.js';
import {
  destinationKey,
  serviceKey,
  type DesiredService,
  type IpvsDestination,
  type IpvsTable,
  type ObservedService,
} from '../../agent/core/ipvs/model.js';
import type { IpvsOp } from '../../agent/core/ipvs/operations.js';
import type { IpvsClient } from '../../agent/linux/ipvs/ipvs-client.js';
import { IpvsError } from '../../agent/linux/ipvs/ipvs-error.js';

const base = { schedulerFlags: [], persistenceTimeoutS: 0, onePacket: false } as const;
const dest = (address: string, port: number, forwarding: 'nat' | 'dr' | 'tun', weight = 1) => ({
  ...{ address, port, forwarding, weight },
  ...{ upperThreshold: 0, lowerThreshold: 0 },
});
const tcp = (address: string, port: number, destinations: IpvsDestination[]): DesiredService => ({
  ...base,
  ...{ family: 'ipv4', protocol: 'tcp', address, port, scheduler: 'wlc' },
  persistenceNetmaskBits: 32,
  destinations,
});

/** A table with each kind of service, and enough entries for several batches and dump datagrams. */
function contractTable(): IpvsTable<DesiredService> {
  const many = Array.from({ length: 12 }, (_, i) =>
    tcp(`203.0.113.${i + 1}`, 80, [
      dest('198.51.100.1', 8080, 'nat', i + 1),
      dest('198.51.100.2', 8080, 'nat'),
      dest('198.51.100.3', 8080, 'dr', 0),
    ]),
  );
  return {
    services: [
      ...many,
      {
        ...base,
        ...{ family: 'ipv4', protocol: 'tcp', address: '192.0.2.21', port: 443, scheduler: 'sh' },
        ...{ schedulerFlags: ['sh-fallback', 'sh-port'], persistenceTimeoutS: 300 },
        persistenceNetmaskBits: 24,
        destinations: [
          { ...dest('198.51.100.31', 443, 'nat', 5), upperThreshold: 100, lowerThreshold: 10 },
        ],
      },
      {
        ...base,
        ...{ family: 'ipv4', protocol: 'udp', address: '192.0.2.22', port: 53, scheduler: 'rr' },
        onePacket: true,
        persistenceNetmaskBits: 32,
        destinations: [dest('198.51.100.41', 53, 'nat'), dest('198.51.100.42', 53, 'tun', 65535)],
      },
      {
        ...base,
        ...{ family: 'ipv6', protocol: 'tcp', address: '2001:db8::20', port: 80, scheduler: 'mh' },
        ...{ schedulerFlags: ['mh-port'], persistenceTimeoutS: 60 },
        persistenceNetmaskBits: 64,
        destinations: [dest('2001:db8:1::11', 80, 'nat'), dest('198.51.100.63', 80, 'tun')],
      },
      {
        ...base,
        ...{ family: 'ipv4', fwmark: 7, scheduler: 'wrr' },
        persistenceNetmaskBits: 32,
        destinations: [dest('198.51.100.61', 0, 'dr', 2)],
      },
    ],
  };
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Config only, services and destinations sorted by key. */
export const configOf = (table: IpvsTable<ObservedService | DesiredService>) => ({
  services: applyOps(table as IpvsTable<DesiredService>, [])
    .services.map((s) => ({
      ...s,
      destinations: [...s.destinations].sort((a, b) => byKey(destinationKey(a), destinationKey(b))),
    }))
    .sort((a, b) => byKey(serviceKey(a), serviceKey(b))),
});

const addAll = (table: IpvsTable<DesiredService>): IpvsOp[] =>
  table.services.flatMap((service) => [
    { type: 'add-service' as const, service },
    ...service.destinations.map((destination) => ({
      type: 'add-destination' as const,
      service,
      destination,
    })),
  ]);

/** `[errno, message]` of a refusal. */
async function refusal(promise: Promise<unknown>): Promise<[string, string]> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof IpvsError, `not an IpvsError: ${String(error)}`);
    return [error.errno, error.message];
  }
  assert.fail('the operation was not refused');
}

export function ipvsClientContract(
  name: string,
  open: () => Promise<IpvsClient>,
  options: { skip?: string | false } = {},
): void {
  describe(`IpvsClient contract: ${name}`, { skip: options.skip ?? false }, () => {
    let client: IpvsClient;
    const table = contractTable();
    const web = table.services[0]!;
    const missing = tcp('192.0.2.99', 80, []);

    before(async () => {
      client = await open();
    });
    after(async () => {
      if (!client) return;
      const listing = await client.list({ stats: false });
      await client.applyAll(
        listing.services.map((service) => ({ type: 'delete-service', service })),
      );
      client.close();
    });

    test('info: the IPVS version and the connection table size', () => {
      assert.match(client.info.version, /^1\.\d+\.\d+$/);
      assert.ok(client.info.connectionTableSize > 0);
    });

    test('applyAll programs a table from empty and list reads it back exactly', async () => {
      assert.deepEqual((await client.list()).services, []);
      const ops = addAll(table);
      const outcome = await client.applyAll(ops);
      assert.deepEqual(
        outcome.failed.map((f) => f.error.message),
        [],
      );
      assert.equal(outcome.applied, ops.length);
      const listing = await client.list();
      assert.deepEqual(listing.unreadable, []);
      assert.deepEqual(configOf(listing), configOf(table));
    });

    test('calls made at once queue and all see the same table', async () => {
      const listings = await Promise.all([
        client.list(),
        client.list({ stats: false }),
        client.applyAll([]),
        client.list(),
      ]);
      for (const listing of [listings[0], listings[1], listings[3]])
        assert.deepEqual(configOf(listing), configOf(table));
    });

    test('an update in place: weight and scheduler', async () => {
      const changed = { ...web, scheduler: 'rr' };
      await client.apply({ type: 'update-service', service: changed, changed: ['scheduler'] });
      const destination = { ...web.destinations[0]!, weight: 9 };
      await client.apply({
        type: 'update-destination',
        service: web,
        destination,
        changed: ['weight'],
      });
      const listing = await client.list({ stats: false });
      const got = listing.services.find((s) => serviceKey(s) === serviceKey(web))!;
      assert.equal(got.scheduler, 'rr');
      assert.equal(got.destinations.find((d) => d.address === destination.address)?.weight, 9);
      await client.apply({ type: 'update-service', service: web, changed: ['scheduler'] });
      await client.apply({
        type: 'update-destination',
        service: web,
        destination: web.destinations[0]!,
        changed: ['weight'],
      });
      assert.deepEqual(configOf(await client.list()), configOf(table));
    });

    test('refusals carry the kernel errno and say what was refused', async () => {
      const d = web.destinations[0]!;
      const absent = dest('198.51.100.99', 80, 'nat');
      const cases: [IpvsOp, string, RegExp][] = [
        [{ type: 'add-service', service: web }, 'EEXIST', /the service already exists/],
        [{ type: 'update-service', service: missing, changed: [] }, 'ESRCH', /no such service/],
        [{ type: 'delete-service', service: missing }, 'ESRCH', /no such service/],
        [
          { type: 'add-destination', service: missing, destination: d },
          'ESRCH',
          /the service does not exist/,
        ],
        [
          { type: 'add-destination', service: web, destination: d },
          'EEXIST',
          /the destination already exists/,
        ],
        [
          { type: 'update-destination', service: web, destination: absent, changed: [] },
          'ENOENT',
          /no such destination/,
        ],
        [
          { type: 'delete-destination', service: web, destination: absent },
          'ENOENT',
          /no such destination/,
        ],
        [
          { type: 'delete-destination', service: missing, destination: d },
          'ESRCH',
          /the service does not exist/,
        ],
        [
          { type: 'add-service', service: { ...missing, scheduler: 'nosuch' } },
          'ENOENT',
          /svc:tcp:192\.0\.2\.99:80: the kernel has no such scheduler/,
        ],
        [
          {
            type: 'update-service',
            service: { ...web, scheduler: 'nosuch' },
            changed: ['scheduler'],
          },
          'ENOENT',
          /the kernel has no such scheduler/,
        ],
        // ip_vs_new_dest: a destination must be a unicast address.
        [
          { type: 'add-destination', service: web, destination: dest('224.0.0.7', 80, 'nat') },
          'EINVAL',
          /→ 224\.0\.0\.7:80: the kernel refused the request as invalid/,
        ],
        // Refused by the encoder before the kernel sees it (weight above 65535).
        [
          {
            type: 'add-destination',
            service: web,
            destination: dest('198.51.100.98', 80, 'nat', 70000),
          },
          'EINVAL',
          /the kernel refused the request as invalid/,
        ],
      ];
      for (const [op, errno, message] of cases) {
        const [gotErrno, gotMessage] = await refusal(client.apply(op));
        assert.equal(gotErrno, errno, `${op.type}: ${gotMessage}`);
        assert.match(gotMessage, message);
        assert.ok(gotMessage.startsWith(`${op.type} `), gotMessage);
      }
      assert.deepEqual(configOf(await client.list()), configOf(table));
    });

    test('applyAll: a refused operation fails alone, in order, and the rest apply', async () => {
      const service = tcp('192.0.2.30', 9997, []);
      const destination = dest('198.51.100.77', 80, 'nat');
      const outcome = await client.applyAll([
        { type: 'add-service', service },
        { type: 'add-service', service },
        { type: 'add-destination', service, destination },
        { type: 'add-destination', service: missing, destination },
        { type: 'delete-service', service },
      ]);
      assert.equal(outcome.applied, 3);
      assert.deepEqual(
        outcome.failed.map((f) => [f.op.type, f.error.errno, f.error.message]),
        [
          [
            'add-service',
            'EEXIST',
            'add-service svc:tcp:192.0.2.30:9997: the service already exists (EEXIST)',
          ],
          [
            'add-destination',
            'ESRCH',
            'add-destination svc:tcp:192.0.2.99:80 → 198.51.100.77:80: the service does not exist (ESRCH)',
          ],
        ],
      );
      assert.deepEqual(configOf(await client.list()), configOf(table));
    });

    test('timeouts: set, read back, 0 refused as EINVAL', async () => {
      const before = await client.getTimeouts();
      await client.setTimeouts({ tcpTimeoutS: 901, udpTimeoutS: 301 });
      assert.deepEqual(await client.getTimeouts(), {
        ...before,
        tcpTimeoutS: 901,
        udpTimeoutS: 301,
      });
      const [errno] = await refusal(client.setTimeouts({ tcpFinTimeoutS: 0 }));
      assert.equal(errno, 'EINVAL');
      await client.setTimeouts(before);
      assert.deepEqual(await client.getTimeouts(), before);
    });

    test('deleting every service empties the table', async () => {
      const ops = table.services.map((service) => ({ type: 'delete-service' as const, service }));
      const outcome = await client.applyAll(ops);
      assert.deepEqual(outcome, { applied: ops.length, failed: [] });
      assert.deepEqual((await client.list()).services, []);
    });
  });
}
