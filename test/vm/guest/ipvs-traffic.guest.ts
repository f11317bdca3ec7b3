/** @module Guest side of test/vm/ipvs-traffic.test.ts, run INSIDE the VM: real connections from a client namespace through IPVS virtual servers (NAT, DR, IPv6 NAT, UDP NAT) that NetlinkIpvsClient programs in the guest's root namespace, the director. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import {
  destinationKey,
  serviceIdOf,
  serviceKey,
  type DesiredService,
  type IpvsDestination,
  type IpvsFamily,
  type IpvsForwarding,
  type IpvsServiceId,
  type IpvsTable,
  type ObservedDestination,
  type ObservedService,
} from '../../../agent/core/ipvs/model.js';
import { opKey, type IpvsOp } from '../../../agent/core/ipvs/operations.js';
import { plan, type PlanOptions } from '../../../agent/core/ipvs/plan.js';
import type { ApplyOutcome } from '../../../agent/linux/ipvs/ipvs-client.js';
import { NetlinkIpvsClient } from '../../../agent/linux/ipvs/netlink-ipvs-client.js';
import {
  children,
  eventually,
  exited,
  holdConnection as holdIn,
  lineReader,
  runClient as runIn,
  spawnIn,
} from './lab/processes.js';
import { guestPrerequisite } from '../../support/vm/guest-tier.js';

// These tests change the kernel's state (IPVS, namespaces, bridges, sysctls): never outside the VM.
const skip = guestPrerequisite('test/vm/ipvs-traffic.test.ts');

const execFileAsync = promisify(execFile);

// ---------------------------------------------------------------------------------------------
// Topology (TEST-NET only). The guest's root namespace is the director: bridge `lan` holds the
// client and the DR real servers, bridge `srv` the NAT real servers (default route via the
// director). The DR real servers hold the DR VIP on `lo` and do not answer ARP for it.
// ---------------------------------------------------------------------------------------------

const CLIENT = '192.0.2.2';
const CLIENT6 = '2001:db8:0:2::2';
const DR_VIP = '192.0.2.100';
const NAT_VIP = '192.0.2.101';
const NAT_VIP6 = '2001:db8:0:2::101';
const HTTP_PORT = 8080;
const ECHO_PORT = 7007;

interface Host {
  name: string;
  bridge: 'lan' | 'srv';
  address: string;
  address6?: string;
  role: 'client' | 'nat' | 'dr';
}

const HOSTS: readonly Host[] = [
  { name: 'client', bridge: 'lan', address: CLIENT, address6: CLIENT6, role: 'client' },
  {
    name: 'nat1',
    bridge: 'srv',
    address: '198.51.100.11',
    address6: '2001:db8:0:100::11',
    role: 'nat',
  },
  {
    name: 'nat2',
    bridge: 'srv',
    address: '198.51.100.12',
    address6: '2001:db8:0:100::12',
    role: 'nat',
  },
  { name: 'dr1', bridge: 'lan', address: '192.0.2.11', role: 'dr' },
  { name: 'dr2', bridge: 'lan', address: '192.0.2.12', role: 'dr' },
];
const SERVERS = HOSTS.filter((h) => h.role !== 'client');
const namespaceOf = (host: Host): string => `ipt-${host.name}`;
const CLIENT_NS = 'ipt-client';
const runClient = (target: string, count: number) => runIn(CLIENT_NS, target, count);
const holdConnection = (host: string, port: number) => holdIn(CLIENT_NS, host, port);

/** `ip` reading commands from a here-document: one process for many commands (TCG is slow). */
const batch = (ns: string | undefined, commands: readonly string[]): string =>
  `ip ${ns ? `-n ${ns} ` : ''}-batch - <<'EOF'\n${commands.join('\n')}\nEOF`;

function bridgeCommands(name: string, addresses: string[], addresses6: string[]): string[] {
  return [
    `link add ${name} type bridge`,
    ...addresses.map((a) => `addr add ${a} dev ${name}`),
    ...addresses6.map((a) => `addr add ${a} dev ${name} nodad`),
    `link set ${name} up`,
  ];
}

/** The root namespace's side: bridges with the director's addresses and VIPs, veth pairs. */
function rootCommands(): string[] {
  return [
    ...bridgeCommands(
      'lan',
      ['192.0.2.1/24', `${DR_VIP}/32`, `${NAT_VIP}/32`],
      ['2001:db8:0:2::1/64', `${NAT_VIP6}/128`],
    ),
    ...bridgeCommands('srv', ['198.51.100.1/24'], ['2001:db8:0:100::1/64']),
    ...HOSTS.flatMap((h) => [
      `link add vt-${h.name} type veth peer name eth0 netns ${namespaceOf(h)}`,
      `link set vt-${h.name} master ${h.bridge} up`,
    ]),
  ];
}

/** Inside one host's namespace (after its sysctls). */
function hostCommands(host: Host): string[] {
  return [
    'link set lo up',
    `addr add ${host.address}/24 dev eth0`,
    ...(host.address6 ? [`addr add ${host.address6}/64 dev eth0 nodad`] : []),
    'link set eth0 up',
    ...(host.role === 'nat'
      ? ['route add 0.0.0.0/0 via 198.51.100.1', 'route add ::/0 via 2001:db8:0:100::1']
      : []),
    ...(host.role === 'dr' ? [`addr add ${DR_VIP}/32 dev lo`] : []),
  ];
}

/** The whole topology as one shell script. */
function topologyScript(): string {
  // Only the director may answer ARP for the DR VIP: arp_ignore=1 answers only for addresses
  // of the interface asked on, arp_announce=2 never uses the VIP as an ARP source.
  const arp = 'net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2';
  return [
    'set -ex',
    // New namespaces copy the root's IPv6 settings: no duplicate address detection anywhere,
    // so link-local addresses (neighbour discovery's source) are usable at once.
    'sysctl -qw net.core.devconf_inherit_init_net=1 net.ipv6.conf.all.accept_dad=0 ' +
      'net.ipv6.conf.default.accept_dad=0',
    ...HOSTS.map((h) => `ip netns add ${namespaceOf(h)}`),
    batch(undefined, rootCommands()),
    ...HOSTS.filter((h) => h.role === 'dr').map(
      (h) => `ip netns exec ${namespaceOf(h)} sysctl -qw ${arp}`,
    ),
    ...HOSTS.map((h) => batch(namespaceOf(h), hostCommands(h))),
    'sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1',
  ].join('\n');
}

const TEARDOWN = [
  // -force: carry on past what is already gone.
  `ip -force -batch - <<'EOF'`,
  ...HOSTS.map((h) => `netns del ${namespaceOf(h)}`),
  'link del lan',
  'link del srv',
  'EOF',
  'sysctl -qw net.core.devconf_inherit_init_net=0',
].join('\n');

// ---------------------------------------------------------------------------------------------
// The IPVS table the tests want.
// ---------------------------------------------------------------------------------------------

const dest = (
  address: string,
  port: number,
  forwarding: IpvsForwarding,
  weight: number,
): IpvsDestination => ({ address, port, forwarding, weight, upperThreshold: 0, lowerThreshold: 0 });

const wrr = (
  family: IpvsFamily,
  address: string,
  port: number,
  destinations: IpvsDestination[],
): DesiredService => ({
  ...{ family, protocol: 'tcp', address, port, scheduler: 'wrr', schedulerFlags: [] },
  ...{ persistenceTimeoutS: 0, persistenceNetmaskBits: family === 'ipv4' ? 32 : 128 },
  ...{ onePacket: false, destinations },
});

const NAT_HTTP = wrr('ipv4', NAT_VIP, 80, [
  dest('198.51.100.11', HTTP_PORT, 'nat', 3),
  dest('198.51.100.12', HTTP_PORT, 'nat', 1),
]);
const NAT_ECHO = wrr('ipv4', NAT_VIP, 7, [
  dest('198.51.100.11', ECHO_PORT, 'nat', 1),
  dest('198.51.100.12', ECHO_PORT, 'nat', 1),
]);
const NAT_UDP: DesiredService = {
  ...wrr('ipv4', NAT_VIP, 7, [
    dest('198.51.100.11', ECHO_PORT, 'nat', 1),
    dest('198.51.100.12', ECHO_PORT, 'nat', 1),
  ]),
  protocol: 'udp',
};
const DR_HTTP = wrr('ipv4', DR_VIP, HTTP_PORT, [
  dest('192.0.2.11', HTTP_PORT, 'dr', 1),
  dest('192.0.2.12', HTTP_PORT, 'dr', 1),
]);
const NAT6_HTTP = wrr('ipv6', NAT_VIP6, 80, [
  dest('2001:db8:0:100::11', HTTP_PORT, 'nat', 1),
  dest('2001:db8:0:100::12', HTTP_PORT, 'nat', 1),
]);
const DESIRED: IpvsTable<DesiredService> = {
  services: [NAT_HTTP, NAT_ECHO, NAT_UDP, DR_HTTP, NAT6_HTTP],
};
const EMPTY: IpvsTable<ObservedService> = { services: [] };

const planOptions = (owned: ReadonlySet<string>, drain: PlanOptions['drain']): PlanOptions => ({
  ...{ owned, adopt: false, drain, now: 0 },
  ...{ drainingSince: new Map<string, number>(), maxDestructive: Infinity },
});

/** The backend (fixture `--name`) that owns a real-server address. */
function nameOf(address: string): string {
  const host = SERVERS.find((h) => h.address === address || h.address6 === address);
  assert.ok(host, `no real server has ${address}`);
  return host.name;
}

const findService = (services: readonly ObservedService[], id: IpvsServiceId) =>
  services.find((s) => serviceKey(s) === serviceKey(id));

async function startBackend(host: Host): Promise<void> {
  const args = ['--name', host.name, '--http', `${HTTP_PORT}`, '--echo', `${ECHO_PORT}`];
  const child = spawnIn(namespaceOf(host), 'backend.mjs', [...args, '--ttl', '240000'], 250_000);
  const next = lineReader(child, `backend ${host.name}`);
  assert.equal(await next(30_000), `ready ${host.name}`);
}

/** The listed service once its counters include `connections` connections in all. */
async function serviceWithConnections(
  client: NetlinkIpvsClient,
  id: IpvsServiceId,
  connections: number,
): Promise<ObservedService> {
  return eventually(
    async () => {
      const service = findService((await client.list()).services, id);
      if (!service) return undefined;
      const perDestination = service.destinations.reduce((n, d) => n + d.stats.connections, 0n);
      const total = BigInt(connections);
      return service.stats.connections >= total && perDestination >= total ? service : undefined;
    },
    `${serviceKey(id)} counting ${connections} connections`,
  );
}

function assertTraffic(d: ObservedDestination | ObservedService, what: string): void {
  const { inPackets, outPackets, inBytes, outBytes } = d.stats;
  for (const [name, value] of Object.entries({ inPackets, outPackets, inBytes, outBytes })) {
    assert.ok(value > 0n, `${what}: ${name} is ${value}`);
  }
}

/** Nothing of this file is left: processes, namespaces, links, virtual servers. */
async function assertCleanedUp(): Promise<void> {
  assert.equal(children.size, 0, 'spawned processes still running');
  const run = async (...argv: string[]) =>
    (await execFileAsync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 30_000 })).stdout;
  assert.doesNotMatch(await run('ip', 'netns', 'list'), /ipt-/);
  assert.doesNotMatch(await run('ip', '-o', 'link', 'show'), /: (lan|srv|vt-\w+)[:@]/);
  assert.doesNotMatch(readFileSync('/proc/net/ip_vs', 'utf8'), /^(TCP|UDP|FWM) /m);
}

const summary = (ops: readonly IpvsOp[]) =>
  ops.map((op) => [op.type, opKey(op), 'changed' in op ? op.changed : []]);

// ---------------------------------------------------------------------------------------------
// The tests. They run in order and share the topology and the programmed table.
// ---------------------------------------------------------------------------------------------

describe(
  'real traffic through IPVS virtual servers programmed by NetlinkIpvsClient',
  { skip },
  () => {
    let client: NetlinkIpvsClient | undefined;
    let owned: ReadonlySet<string> = new Set();
    let initial: { ops: IpvsOp[]; outcome: ApplyOutcome } | undefined;
    const ipvs = (): NetlinkIpvsClient => {
      assert.ok(client, 'the IPVS client did not open (see the before hook)');
      return client;
    };

    before(async () => {
      await execFileAsync('modprobe', ['ip_vs'], { timeout: 30_000 });
      await execFileAsync('sh', ['-c', topologyScript()], { timeout: 60_000 });
      await Promise.all(SERVERS.map(startBackend));
      client = await NetlinkIpvsClient.open();
      const first = plan(EMPTY, DESIRED, planOptions(new Set(), false));
      owned = first.owned;
      initial = { ops: first.ops, outcome: await client.applyAll(first.ops) };
    });

    after(async () => {
      try {
        if (client) {
          const listing = await client.list();
          const removal = plan(listing, { services: [] }, planOptions(owned, false));
          const outcome = await client.applyAll(removal.ops);
          assert.deepEqual(outcome.failed, [], 'removing the virtual servers');
        }
      } finally {
        client?.close();
        for (const child of children) child.kill('SIGKILL');
        await Promise.all([...children].map(exited));
        await execFileAsync('sh', ['-c', TEARDOWN], { timeout: 30_000 }).catch(() => {});
      }
      await assertCleanedUp();
    });

    test('plan(empty, desired) programs every virtual server through applyAll', async () => {
      assert.ok(initial, 'the before hook did not program the table');
      assert.deepEqual(initial.outcome.failed, []);
      assert.equal(initial.outcome.applied, 15, 'five services, ten destinations');
      const listed = (await ipvs().list()).services.map(serviceKey);
      assert.deepEqual(listed, DESIRED.services.map(serviceKey).sort());
    });

    test('NAT, wrr 3:1: 200 new connections split about 3:1, the kernel counts each', async () => {
      const report = await runClient(`http://${NAT_VIP}:80/`, 200);
      const nat1 = report.answers.nat1 ?? 0;
      const nat2 = report.answers.nat2 ?? 0;
      assert.equal(nat1 + nat2, 200, JSON.stringify(report.answers));
      assert.ok(nat1 / 200 >= 0.65 && nat1 / 200 <= 0.85, `weight-3 share ${nat1}/200`);
      assert.deepEqual(report.remotes, [NAT_VIP], 'the client only ever talks to the VIP');
      assert.deepEqual(report.peers, [CLIENT], 'NAT rewrites the destination, not the source');
      assert.deepEqual(report.locals, ['198.51.100.11', '198.51.100.12'], 'reached on their RIPs');

      const service = await serviceWithConnections(ipvs(), NAT_HTTP, 200);
      assert.equal(service.stats.connections, 200n);
      assertTraffic(service, 'service');
      for (const d of service.destinations) {
        const name = nameOf(d.address);
        assert.equal(d.stats.connections, BigInt(report.answers[name] ?? 0), `${name} connections`);
        assertTraffic(d, name);
      }
    });

    test('DR, wrr 1:1: both real servers answer and see the client itself', async () => {
      const report = await runClient(`http://${DR_VIP}:${HTTP_PORT}/`, 40);
      const dr1 = report.answers.dr1 ?? 0;
      const dr2 = report.answers.dr2 ?? 0;
      assert.equal(dr1 + dr2, 40, JSON.stringify(report.answers));
      assert.ok(dr1 >= 12 && dr2 >= 12, `an even split expected: ${dr1}/${dr2}`);
      assert.deepEqual(report.remotes, [DR_VIP]);
      assert.deepEqual(report.peers, [CLIENT], 'DR keeps the client address');
      assert.deepEqual(report.locals, [DR_VIP], 'DR delivers to the VIP on the real server');

      // The replies go from the real servers straight to the client: the director never sees one.
      const service = await serviceWithConnections(ipvs(), DR_HTTP, 40);
      assert.ok(service.stats.inPackets > 0n, 'requests went through the director');
      assert.equal(service.stats.outPackets, 0n, 'replies bypassed the director');
    });

    test('IPv6 NAT, wrr 1:1: real traffic reaches both real servers', async () => {
      const report = await runClient(`http://[${NAT_VIP6}]:80/`, 20);
      assert.ok((report.answers.nat1 ?? 0) > 0 && (report.answers.nat2 ?? 0) > 0, 'both answered');
      assert.equal((report.answers.nat1 ?? 0) + (report.answers.nat2 ?? 0), 20);
      assert.deepEqual(report.remotes, [NAT_VIP6]);
      assert.deepEqual(report.peers, [CLIENT6]);
      assert.deepEqual(report.locals, ['2001:db8:0:100::11', '2001:db8:0:100::12']);
      const service = await serviceWithConnections(ipvs(), NAT6_HTTP, 20);
      assertTraffic(service, 'IPv6 service');
    });

    test('UDP NAT, wrr 1:1: datagrams reach both real servers, answers come from the VIP', async () => {
      const report = await runClient(`udp://${NAT_VIP}:7`, 10);
      const nat1 = report.answers.nat1 ?? 0;
      const nat2 = report.answers.nat2 ?? 0;
      assert.equal(nat1 + nat2, 10, JSON.stringify(report.answers));
      assert.ok(nat1 >= 3 && nat2 >= 3, `an even split expected: ${nat1}/${nat2}`);
      assert.deepEqual(report.remotes, [NAT_VIP], 'answers come back from the VIP');
    });

    test('reconciling the live table (counters non-zero) against the same table is a no-op', async () => {
      const listing = await ipvs().list();
      assert.deepEqual(listing.unreadable, []);
      const nat = findService(listing.services, NAT_HTTP);
      assert.ok(nat && nat.stats.connections > 0n, 'traffic counters are non-zero');
      const again = plan(listing, DESIRED, planOptions(owned, { graceMs: 30_000 }));
      assert.deepEqual(summary(again.ops), []);
      assert.deepEqual(again.deferred, []);
      assert.deepEqual(again.conflicts, []);
      assert.deepEqual([...again.owned].sort(), [...owned].sort());
    });

    test('weight changes keep an established connection; weight 0 drains new ones', async () => {
      const conn = await holdConnection(NAT_VIP, 7);
      let target: IpvsDestination | undefined;
      let status: number | null;
      try {
        assert.equal(conn.remote, NAT_VIP);
        const [held = ''] = (await conn.say('one')).split(' ');
        const other = held === 'nat1' ? 'nat2' : 'nat1';
        target = NAT_ECHO.destinations.find((d) => nameOf(d.address) === held);
        assert.ok(target, `answered by ${held}`);
        const setWeight = (weight: number, d: IpvsDestination) =>
          ipvs().apply({
            type: 'update-destination',
            service: serviceIdOf(NAT_ECHO),
            destination: { ...d, weight },
            changed: ['weight'],
          });

        await setWeight(5, target);
        assert.equal(await conn.say('two'), `${held} two`);
        await setWeight(0, target);
        assert.equal(await conn.say('three'), `${held} three`);

        const echo = findService((await ipvs().list()).services, NAT_ECHO);
        const draining = echo?.destinations.find((d) => nameOf(d.address) === held);
        assert.equal(draining?.weight, 0);
        assert.ok((draining?.activeConnections ?? 0) >= 1, 'the held connection is active');

        const fresh = await runClient(`tcp://${NAT_VIP}:7`, 4);
        assert.deepEqual(fresh.answers, { [other]: 4 }, 'new connections avoid weight 0');
        assert.equal(await conn.say('four'), `${held} four`);
      } finally {
        status = await conn.close();
      }
      assert.equal(status, 0, 'conn.mjs closed the connection cleanly');

      // The next reconcile round puts the desired weight back, and only that.
      const restore = plan(await ipvs().list(), DESIRED, planOptions(owned, { graceMs: 30_000 }));
      assert.deepEqual(summary(restore.ops), [
        ['update-destination', `${serviceKey(NAT_ECHO)}|${destinationKey(target)}`, ['weight']],
      ]);
      assert.deepEqual((await ipvs().applyAll(restore.ops)).failed, []);
    });
  },
);
