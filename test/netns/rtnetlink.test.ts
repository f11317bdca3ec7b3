/**
 * @module The agent's rtnetlink adapter against a real kernel, inside a lab host: VIP leases
 * (lifetimes, labels, refresh, expiry by the kernel), removal, link state, typed errors, and the
 * change watcher (events, surviving `kill -9` of its child). Cross-checked with `ip -j addr`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { labPrerequisite, NetnsLab } from '../support/netns-lab.js';
import { fixtureArgv, ipAddrInfo, LineClient, type Line } from './fixtures/rtnetlink-client.js';

const skip = labPrerequisite();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rtnetlink adapter (netns)', { skip, timeout: 900_000 }, () => {
  let lab: NetnsLab;
  let rpc: LineClient;
  let eth0 = 0;

  const ipAddr = (local: string) => ipAddrInfo(lab, 'd1').find((a) => a.local === local);
  const ok = async (op: string, args: unknown = {}): Promise<unknown> => {
    const reply = await rpc.call(op, args);
    assert.equal(reply.ok, true, JSON.stringify(reply));
    return reply.result;
  };

  before(async () => {
    lab = await NetnsLab.start();
    lab.addHost('d1', { addresses: ['192.0.2.11/24', '2001:db8::11/64'] });
    rpc = new LineClient(lab.spawn(fixtureArgv('rtnetlink-rpc.ts'), 'd1', { stdio: 'pipe' }));
    const links = (await ok('listLinks')) as { name: string; index: number }[];
    eth0 = links.find((l) => l.name === 'eth0')!.index;
  });
  after(() => lab?.stop());

  test('listLinks: eth0 up with its MAC, down after ip link set down', async () => {
    const find = async () =>
      (
        (await ok('listLinks')) as { name: string; up: boolean; mac?: string; flags: number }[]
      ).find((l) => l.name === 'eth0')!;
    const up = await find();
    assert.deepEqual([up.up, up.mac], [true, '02:00:00:00:00:01']);
    lab.run(['ip', 'link', 'set', 'eth0', 'down'], 'd1');
    const down = await find();
    assert.equal(down.up, false);
    assert.equal(down.flags & 1, 0, 'IFF_UP cleared');
    lab.run(['ip', 'link', 'set', 'eth0', 'up'], 'd1');
    for (let i = 0; i < 50 && !(await find()).up; i++) await sleep(100); // carrier comes back
    assert.equal((await find()).up, true);
  });

  test('IPv4 lease: finite lifetimes and label; refresh extends it without EEXIST', async () => {
    const lease = { interfaceIndex: eth0, address: '192.0.2.100', prefixLength: 32 };
    await ok('addLease', {
      ...lease,
      label: 'eth0:vip',
      validLifetimeS: 60,
      preferredLifetimeS: 30,
    });
    const first = ipAddr('192.0.2.100');
    assert.ok(first, 'address present');
    assert.equal(first.prefixlen, 32);
    assert.equal(first.label, 'eth0:vip');
    assert.equal(first.dynamic, true);
    assert.ok(
      first.valid_life_time > 50 && first.valid_life_time <= 60,
      `valid ${first.valid_life_time}`,
    );
    assert.ok(first.preferred_life_time > 20 && first.preferred_life_time <= 30);
    await ok('addLease', {
      ...lease,
      label: 'eth0:vip',
      validLifetimeS: 300,
      preferredLifetimeS: 200,
    });
    const refreshed = ipAddr('192.0.2.100')!;
    assert.ok(refreshed.valid_life_time > 290, `valid ${refreshed.valid_life_time}`);
    assert.ok(refreshed.preferred_life_time > 190);
    const listed = (await ok('listAddresses', { interfaceIndex: eth0, family: 'ipv4' })) as Line[];
    const mine = listed.find((a) => a.address === '192.0.2.100')!;
    assert.equal(mine.label, 'eth0:vip');
    assert.ok((mine.validLifetimeS as number) > 290);
    assert.ok(listed.every((a) => a.family === 'ipv4' && a.interfaceIndex === eth0));
    const primary = listed.find((a) => a.address === '192.0.2.11')!;
    assert.equal(primary.validLifetimeS, undefined, 'permanent address has no lifetime');
  });

  test('IPv6 lease: canonical text, nodad, not deprecated, refreshable', async () => {
    const lease = { interfaceIndex: eth0, address: '2001:DB8:0:0::100', prefixLength: 128 };
    await ok('addLease', { ...lease, validLifetimeS: 60, preferredLifetimeS: 30 });
    const first = ipAddr('2001:db8::100');
    assert.ok(first, 'address present');
    assert.equal(first.nodad, true);
    assert.notEqual(first.deprecated, true);
    assert.ok(first.valid_life_time <= 60 && first.preferred_life_time <= 30);
    await ok('addLease', { ...lease, validLifetimeS: 300, preferredLifetimeS: 200 });
    assert.ok(ipAddr('2001:db8::100')!.valid_life_time > 290);
    const listed = (await ok('listAddresses', { family: 'ipv6' })) as Line[];
    const mine = listed.find((a) => a.address === '2001:db8::100')!;
    assert.equal(mine.prefixLength, 128);
    assert.ok((mine.preferredLifetimeS as number) > 190);
  });

  test('a 2 s lease disappears from the kernel by itself', async (t) => {
    const start = Date.now();
    for (const address of ['192.0.2.101', '2001:db8::101']) {
      const prefixLength = address.includes(':') ? 128 : 32;
      await ok('addLease', {
        interfaceIndex: eth0,
        address,
        prefixLength,
        validLifetimeS: 2,
        preferredLifetimeS: 1,
      });
    }
    assert.ok(ipAddr('192.0.2.101') && ipAddr('2001:db8::101'));
    const goneAt: Record<string, number> = {};
    while (Date.now() - start < 60_000 && Object.keys(goneAt).length < 2) {
      for (const address of ['192.0.2.101', '2001:db8::101']) {
        if (goneAt[address] === undefined && !ipAddr(address)) goneAt[address] = Date.now() - start;
      }
      await sleep(100);
    }
    t.diagnostic(`lease of 2 s gone after ${JSON.stringify(goneAt)} ms`);
    assert.equal(Object.keys(goneAt).length, 2, 'both leases expired within 60 s');
  });

  test('removeAddress: true when removed, false when absent (IPv4 and IPv6)', async () => {
    for (const [address, prefixLength] of [
      ['192.0.2.102', 32],
      ['2001:db8::102', 128],
    ] as const) {
      const key = { interfaceIndex: eth0, address, prefixLength };
      await ok('addLease', { ...key, validLifetimeS: 60, preferredLifetimeS: 60 });
      assert.equal(await ok('removeAddress', key), true);
      assert.equal(ipAddr(address), undefined);
      assert.equal(await ok('removeAddress', key), false);
    }
  });

  test('errors are typed NetlinkErrors with errno, operation and object', async () => {
    const bad = { interfaceIndex: 9999, address: '192.0.2.103', prefixLength: 32 };
    const reply = await rpc.call('addLease', { ...bad, validLifetimeS: 5, preferredLifetimeS: 5 });
    assert.equal(reply.ok, false);
    assert.deepEqual(
      { ...(reply.error as Line), message: undefined },
      {
        name: 'NetlinkError',
        errno: 'ENODEV',
        operation: 'addLease',
        object: bad,
        message: undefined,
      },
    );
    const removal = await rpc.call('removeAddress', {
      ...bad,
      address: '2001:db8::103',
      prefixLength: 128,
    });
    assert.equal((removal.error as Line).errno, 'ENODEV');
    assert.equal((removal.error as Line).operation, 'removeAddress');
    const lifetimes = await rpc.call('addLease', {
      ...bad,
      interfaceIndex: eth0,
      validLifetimeS: 0,
      preferredLifetimeS: 0,
    });
    assert.equal((lifetimes.error as Line).errno, 'EINVAL');
    assert.equal(ipAddr('192.0.2.103'), undefined);
  });
});

describe('rtnetlink watcher (netns)', { skip, timeout: 900_000 }, () => {
  let lab: NetnsLab;
  let p: LineClient;
  before(async () => {
    lab = await NetnsLab.start();
    lab.addHost('d1', { addresses: ['192.0.2.11/24'] });
    p = new LineClient(
      lab.spawn(fixtureArgv('rtnetlink-watch.ts', '--print-events'), 'd1', { stdio: 'pipe' }),
    );
    await p.waitFor((l) => l.type === 'resync', 20_000);
  });
  after(() => lab?.stop());

  test('sees link down/up and address add/del', async () => {
    const from = p.lines.length;
    lab.run(['ip', 'link', 'set', 'eth0', 'down'], 'd1');
    await p.waitFor((l) => l.type === 'link' && l.name === 'eth0' && l.up === false, 60_000, from);
    lab.run(['ip', 'link', 'set', 'eth0', 'up'], 'd1');
    await p.waitFor((l) => l.type === 'link' && l.name === 'eth0' && l.up === true, 60_000, from);
    lab.run(['ip', 'addr', 'add', '198.51.100.7/32', 'dev', 'eth0', 'label', 'eth0:w'], 'd1');
    const added = await p.waitFor(
      (l) => l.type === 'address' && l.address === '198.51.100.7',
      60_000,
      from,
    );
    assert.deepEqual(
      [added.kind, added.prefixLength, added.label, added.family],
      ['new', 32, 'eth0:w', 'ipv4'],
    );
    lab.run(['ip', 'addr', 'add', '2001:db8::7/128', 'dev', 'eth0', 'nodad'], 'd1');
    await p.waitFor(
      (l) => l.type === 'address' && l.address === '2001:db8::7' && l.kind === 'new',
      60_000,
      from,
    );
    lab.run(['ip', 'addr', 'del', '198.51.100.7/32', 'dev', 'eth0'], 'd1');
    await p.waitFor(
      (l) => l.type === 'address' && l.address === '198.51.100.7' && l.kind === 'del',
      60_000,
      from,
    );
  });

  test('survives kill -9 of its child: restart, resync, events again', async () => {
    const before = await p.call('stats');
    const from = p.lines.length;
    process.kill(before.childPid as number, 'SIGKILL');
    const exit = await p.waitFor((l) => l.type === 'childExit', 60_000, from);
    assert.equal(exit.signal, 'SIGKILL');
    const resync = await p.waitFor((l) => l.type === 'resync', 60_000, from);
    assert.equal(resync.restarts, 1);
    const after = await p.call('stats');
    assert.notEqual(after.childPid, before.childPid);
    assert.equal(after.restarts, 1);
    assert.equal(after.garbageLines, 0);
    lab.run(['ip', 'addr', 'add', '203.0.113.9/32', 'dev', 'eth0'], 'd1');
    await p.waitFor((l) => l.type === 'address' && l.address === '203.0.113.9', 60_000, from);
    assert.ok(p.alive);
  });
});
