/**
 * @module Guest side of test/vm/ipvs-client.test.ts, run INSIDE the VM: the generic-netlink IPVS
 * client against Debian's kernel. Every scheduler the kernel ships and every forwarding method,
 * IPv6, fwmark, persistence, scheduler flags and thresholds are programmed by our client and read
 * back identically by our client and by `ipvsadm -Sn`; an unchanged table plans to nothing. The
 * shared IpvsClient suite (test/support/ipvs-client-contract.ts) runs here first: refusals,
 * queueing and batching with the kernel's errno, as the fakes must answer them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { NetlinkIpvsClient } from '../../../agent/linux/ipvs/netlink-ipvs-client.js';
import { plan } from '../../../agent/core/ipvs/plan.js';
import { renderRules } from '../../../agent/core/ipvs/ipvsadm-text.js';
import { serviceKey, type DesiredService, type IpvsTable } from '../../../agent/core/ipvs/model.js';
import type { PlanOptions } from '../../../agent/core/ipvs/plan-types.js';
import { parseIpvsadmSave } from '../../support/ipvsadm-save.js';
import { configOf, ipvsClientContract } from '../../support/ipvs-client-contract.js';
import { guestPrerequisite } from '../../support/vm/guest-tier.js';

const skip = guestPrerequisite('test/vm/ipvs-client.test.ts');

const run = (...argv: string[]): string =>
  execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 30_000 });

/** The schedulers this kernel ships as modules (ip_vs_<name>.ko), helpers excluded. */
function kernelSchedulers(): string[] {
  const dir = `/lib/modules/${run('uname', '-r').trim()}/kernel/net/netfilter/ipvs`;
  return readdirSync(dir)
    .map((f) => /^ip_vs_(\w+)\.ko/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined && s !== 'ftp' && !s.startsWith('pe_'))
    .sort();
}

const base = { schedulerFlags: [], persistenceTimeoutS: 0, onePacket: false } as const;
const dest = (address: string, port: number, forwarding: 'nat' | 'dr' | 'tun', weight = 1) => ({
  address,
  port,
  forwarding,
  weight,
  upperThreshold: 0,
  lowerThreshold: 0,
});

/** One service per scheduler, then the feature matrix. */
function desiredTable(schedulers: readonly string[]): IpvsTable<DesiredService> {
  const perScheduler: DesiredService[] = schedulers.map((scheduler, i) => ({
    ...base,
    family: 'ipv4',
    protocol: 'tcp',
    address: '192.0.2.10',
    port: 8000 + i,
    scheduler,
    persistenceNetmaskBits: 32,
    destinations: [dest('198.51.100.11', 80, 'nat', 3), dest('198.51.100.12', 80, 'nat', 1)],
  }));
  const matrix: DesiredService[] = [
    {
      // every forwarding method, thresholds
      ...base,
      family: 'ipv4',
      protocol: 'tcp',
      address: '192.0.2.20',
      port: 80,
      scheduler: 'wlc',
      persistenceNetmaskBits: 32,
      destinations: [
        { ...dest('198.51.100.21', 8080, 'nat', 5), upperThreshold: 100, lowerThreshold: 10 },
        dest('198.51.100.22', 80, 'dr', 0),
        dest('198.51.100.23', 80, 'tun', 65535),
      ],
    },
    {
      // persistence with a /24 client mask, sh flags
      ...base,
      family: 'ipv4',
      protocol: 'tcp',
      address: '192.0.2.21',
      port: 443,
      scheduler: 'sh',
      schedulerFlags: ['sh-fallback', 'sh-port'],
      persistenceTimeoutS: 300,
      persistenceNetmaskBits: 24,
      destinations: [dest('198.51.100.31', 443, 'dr')],
    },
    {
      // UDP one-packet scheduling, SCTP
      ...base,
      family: 'ipv4',
      protocol: 'udp',
      address: '192.0.2.22',
      port: 53,
      scheduler: 'rr',
      onePacket: true,
      persistenceNetmaskBits: 32,
      destinations: [dest('198.51.100.41', 53, 'nat'), dest('198.51.100.42', 53, 'nat')],
    },
    {
      ...base,
      family: 'ipv4',
      protocol: 'sctp',
      address: '192.0.2.23',
      port: 3868,
      scheduler: 'wrr',
      persistenceNetmaskBits: 32,
      destinations: [dest('198.51.100.51', 3868, 'nat')],
    },
    {
      // IPv6, persistent /64
      ...base,
      family: 'ipv6',
      protocol: 'tcp',
      address: '2001:db8::20',
      port: 80,
      scheduler: 'mh',
      schedulerFlags: ['mh-port'],
      persistenceTimeoutS: 60,
      persistenceNetmaskBits: 64,
      destinations: [dest('2001:db8:1::11', 80, 'nat'), dest('2001:db8:1::12', 80, 'dr', 7)],
    },
    {
      // fwmark services, both families; an IPv4 destination of an IPv6 service needs tunnelling
      ...base,
      family: 'ipv4',
      fwmark: 7,
      scheduler: 'wrr',
      persistenceNetmaskBits: 32,
      destinations: [dest('198.51.100.61', 0, 'dr', 2), dest('198.51.100.62', 0, 'dr', 1)],
    },
    {
      ...base,
      family: 'ipv6',
      fwmark: 8,
      scheduler: 'lc',
      persistenceNetmaskBits: 128,
      destinations: [dest('2001:db8:1::61', 0, 'dr'), dest('198.51.100.63', 0, 'tun')],
    },
  ];
  return { services: [...perScheduler, ...matrix] };
}

const options = (owned: Iterable<string>): PlanOptions => ({
  owned: new Set(owned),
  adopt: false,
  drain: false,
  now: 0,
  drainingSince: new Map(),
  maxDestructive: Infinity,
});

// The suite every IpvsClient passes (the fakes in test/agent/ipvs-client-contract.test.ts): the
// same assertions, errno included, against this kernel.
ipvsClientContract(
  'NetlinkIpvsClient in a real kernel',
  async () => {
    run('modprobe', 'ip_vs');
    run('ipvsadm', '-C');
    return NetlinkIpvsClient.open();
  },
  { skip },
);

describe('IPVS generic-netlink client in a real kernel', { skip }, () => {
  let client: NetlinkIpvsClient;
  const schedulers = skip ? [] : kernelSchedulers();
  const desired = desiredTable(schedulers);

  before(async () => {
    run('modprobe', 'ip_vs');
    run('ipvsadm', '-C');
    client = await NetlinkIpvsClient.open();
  });
  after(() => {
    client?.close();
    run('ipvsadm', '-C');
  });

  test('GET_INFO: the kernel IPVS version and connection table size', () => {
    assert.match(client.info.version, /^1\.\d+\.\d+$/);
    assert.ok(client.info.connectionTableSize > 0);
  });

  test(`programs the whole table from empty (${schedulers.length} schedulers)`, async () => {
    assert.ok(schedulers.includes('wlc') && schedulers.includes('mh'), schedulers.join(','));
    const { ops } = plan({ services: [] }, desired, options([]));
    const outcome = await client.applyAll(ops);
    assert.deepEqual(
      outcome.failed.map((f) => f.error.message),
      [],
    );
    assert.equal(outcome.applied, ops.length);
  });

  test('our client reads back exactly the desired table', async () => {
    const listing = await client.list();
    assert.deepEqual(listing.unreadable, []);
    assert.deepEqual(configOf(listing), configOf(desired));
  });

  test('ipvsadm -Sn reads back exactly the desired table', () => {
    const saved = parseIpvsadmSave(run('ipvsadm', '-Sn'));
    // -S has no thresholds: compare without them.
    const noThresholds = (t: IpvsTable<DesiredService>) => ({
      services: t.services.map((s) => ({
        ...s,
        destinations: s.destinations.map((d) => ({ ...d, upperThreshold: 0, lowerThreshold: 0 })),
      })),
    });
    assert.deepEqual(configOf(saved), configOf(noThresholds(desired)));
    assert.equal(run('ipvsadm', '-Sn'), renderRules(configOf(desired)));
  });

  test('thresholds read back through ipvsadm -Ln --thresholds', () => {
    const out = run('ipvsadm', '-Ln', '--thresholds', '-t', '192.0.2.20:80');
    assert.match(out, /198\.51\.100\.21:8080\s+100\s+10\b/);
  });

  test('an unchanged table plans to no operations', async () => {
    const observed = await client.list();
    const owned = desired.services.map(serviceKey);
    const result = plan(observed, desired, options(owned));
    assert.deepEqual(result.ops, []);
    assert.deepEqual(result.conflicts, []);
  });

  test('a weight change is one update-destination, applied in place', async () => {
    const owned = desired.services.map(serviceKey);
    const changed = structuredClone(desired) as IpvsTable<DesiredService>;
    const web = changed.services.find((s) => 'address' in s && s.address === '192.0.2.20')!;
    (web.destinations[0] as { weight: number }).weight = 9;
    const result = plan(await client.list(), changed, options(owned));
    assert.deepEqual(
      result.ops.map((o) => o.type),
      ['update-destination'],
    );
    await client.applyAll(result.ops);
    assert.match(run('ipvsadm', '-Sn'), /-r 198\.51\.100\.21:8080 -m -w 9$/m);
    const back = plan(await client.list(), desired, options(owned));
    await client.applyAll(back.ops);
  });

  test('entries another tool made are left alone; removing ours deletes only ours', async () => {
    run('ipvsadm', '-A', '-t', '203.0.113.1:80', '-s', 'rr');
    run('ipvsadm', '-a', '-t', '203.0.113.1:80', '-r', '198.51.100.99:80', '-m');
    const owned = desired.services.map(serviceKey);
    const result = plan(await client.list(), { services: [] }, options(owned));
    assert.equal(result.ops.length, desired.services.length);
    assert.ok(result.ops.every((o) => o.type === 'delete-service'));
    const outcome = await client.applyAll(result.ops);
    assert.deepEqual(outcome.failed, []);
    assert.equal(
      run('ipvsadm', '-Sn'),
      '-A -t 203.0.113.1:80 -s rr\n-a -t 203.0.113.1:80 -r 198.51.100.99:80 -m -w 1\n',
    );
  });
});
