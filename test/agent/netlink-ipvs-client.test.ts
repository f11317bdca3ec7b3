/**
 * NetlinkIpvsClient and GenlConnection over the fake generic-netlink kernel: how requests are
 * batched into datagrams, how calls queue, how dumps reassemble, and how every kernel answer
 * (errno, silence, garbage) becomes a typed outcome. The shared suite
 * (ipvs-client-contract.test.ts) covers what the table does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IpvsCmd } from '../../agent/core/ipvs/ip-vs-h.js';
import { encodeGetServices } from '../../agent/core/ipvs/codec.js';
import type { IpvsOp } from '../../agent/core/ipvs/operations.js';
import { IpvsError, IpvsUnavailableError } from '../../agent/linux/ipvs/ipvs-error.js';
import { NetlinkIpvsClient } from '../../agent/linux/ipvs/netlink-ipvs-client.js';
import { GenlConnection, NetlinkRequestError } from '../../agent/linux/netlink/genl-connection.js';
import { formatGenlRequests, NlmFlag } from '../../agent/linux/netlink/netlink-frame.js';
import { service, VIP } from '../support/ipvs-builders.js';
import { FakeGenericNetlink } from '../support/netlink/fake-generic-netlink.js';
import { FakeIpvsKernel } from '../support/netlink/fake-ipvs-kernel.js';

function kernel() {
  const netlink = new FakeGenericNetlink();
  const ipvs = new FakeIpvsKernel(netlink);
  return { netlink, ipvs };
}

const services = (n: number) =>
  Array.from({ length: n }, (_, i) => service({ ...VIP, port: 1000 + i }));
const adds = (n: number): IpvsOp[] => services(n).map((s) => ({ type: 'add-service', service: s }));

test('open resolves the IPVS family and reads GET_INFO', async () => {
  const { netlink } = kernel();
  const client = await NetlinkIpvsClient.open({ openTransport: netlink.open });
  assert.deepEqual(client.info, {
    versionCode: 0x010201,
    version: '1.2.1',
    connectionTableSize: 4096,
  });
  assert.deepEqual(
    netlink.sent.map((d) => d.map((m) => m.type)),
    [[0x10], [0x1d]],
  );
  client.close();
  assert.equal(netlink.transports.size, 0);
});

test('applyAll: batchSize requests per datagram, each asking for an ACK', async () => {
  const { netlink, ipvs } = kernel();
  const client = await NetlinkIpvsClient.open({ openTransport: netlink.open, batchSize: 32 });
  netlink.sent.length = 0;
  const outcome = await client.applyAll(adds(100));
  assert.deepEqual(outcome, { applied: 100, failed: [] });
  assert.deepEqual(
    netlink.sent.map((d) => d.length),
    [32, 32, 32, 4],
  );
  for (const m of netlink.sent.flat()) {
    assert.equal(m.flags, NlmFlag.REQUEST | NlmFlag.ACK);
    assert.equal(m.payload[0], IpvsCmd.NEW_SERVICE);
  }
  const seqs = netlink.sent.flat().map((m) => m.seq);
  assert.equal(new Set(seqs).size, seqs.length, 'every request has its own sequence number');
  assert.equal(ipvs.size.services, 100);
  client.close();
});

test('applyAll: a refusal in the middle of a datagram fails alone', async () => {
  const { netlink } = kernel();
  const client = await NetlinkIpvsClient.open({ openTransport: netlink.open, batchSize: 8 });
  const ops = adds(5);
  const outcome = await client.applyAll([...ops.slice(0, 3), ops[1]!, ...ops.slice(3)]);
  assert.equal(outcome.applied, 5);
  assert.deepEqual(
    outcome.failed.map((f) => [f.op, f.error.errno]),
    [[ops[1], 'EEXIST']],
  );
  client.close();
});

test('calls queue: a list during an applyAll sees all of it, never EBUSY', async () => {
  const { netlink } = kernel();
  const client = await NetlinkIpvsClient.open({ openTransport: netlink.open, batchSize: 4 });
  const [outcome, listing, again] = await Promise.all([
    client.applyAll(adds(10)),
    client.list(),
    client.list(),
  ]);
  assert.equal(outcome.applied, 10);
  assert.equal(listing.services.length, 10);
  assert.equal(again.services.length, 10);
  client.close();
});

test('the fake kernel refuses a second dump on a socket while one runs (EBUSY)', async () => {
  const { netlink, ipvs } = kernel();
  const connection = new GenlConnection(netlink.open(), 1000);
  const [first, second] = await Promise.allSettled([
    connection.request(ipvs.family, encodeGetServices()),
    connection.request(ipvs.family, encodeGetServices()),
  ]);
  assert.equal(first.status, 'fulfilled');
  assert.equal(second.status, 'rejected');
  assert.equal((second as PromiseRejectedResult).reason.errno, 'EBUSY');
  connection.close();
});

test('dumps reassemble across datagrams', async () => {
  const { netlink } = kernel();
  netlink.dumpEntriesPerDatagram = 1;
  const client = await NetlinkIpvsClient.open({ openTransport: netlink.open });
  await client.applyAll(adds(7));
  const listing = await client.list();
  assert.deepEqual(
    listing.services.map((s) => ('port' in s ? s.port : 0)),
    [1000, 1001, 1002, 1003, 1004, 1005, 1006],
  );
  client.close();
});

test('no IPVS family: IpvsUnavailableError', async () => {
  const netlink = new FakeGenericNetlink();
  await assert.rejects(NetlinkIpvsClient.open({ openTransport: netlink.open }), (error) => {
    assert.ok(error instanceof IpvsUnavailableError);
    assert.match(error.message, /modprobe ip_vs/);
    return true;
  });
  assert.equal(netlink.transports.size, 0, 'the socket is closed');
});

test('without CAP_NET_ADMIN: EPERM, explained', async () => {
  const { netlink, ipvs } = kernel();
  ipvs.privileged = false;
  await assert.rejects(NetlinkIpvsClient.open({ openTransport: netlink.open }), (error) => {
    assert.ok(error instanceof IpvsError);
    assert.equal(error.errno, 'EPERM');
    assert.match(error.message, /CAP_NET_ADMIN/);
    return true;
  });
});

test('a kernel that does not answer: ETIMEDOUT for each request, and the client goes on', async () => {
  const { netlink } = kernel();
  const client = await NetlinkIpvsClient.open({
    openTransport: netlink.open,
    requestTimeoutMs: 50,
  });
  netlink.silent = true;
  const outcome = await client.applyAll(adds(3));
  assert.deepEqual(
    outcome.failed.map((f) => f.error.errno),
    ['ETIMEDOUT', 'ETIMEDOUT', 'ETIMEDOUT'],
  );
  await assert.rejects(client.list(), { errno: 'ETIMEDOUT', operation: 'list-services' });
  netlink.silent = false;
  assert.equal((await client.applyAll(adds(3))).applied, 3);
  client.close();
});

test('garbage, replies nobody waits for and send failures are counted or typed, never a crash', async () => {
  let listener: ((bytes: Uint8Array) => void) | undefined;
  const failure = { sendErrno: undefined as string | undefined };
  const connection = new GenlConnection(
    {
      port: 7,
      send: (_datagram, done) => setImmediate(() => done(failure.sendErrno)),
      listen: (events) => (listener = events.datagram),
      hold: () => {},
      close: () => {},
    },
    50,
  );
  listener!(Uint8Array.of(1, 2, 3));
  listener!(
    formatGenlRequests(
      { id: 0x1d, version: 1 },
      [{ command: 1, payload: new Uint8Array(0), dump: false }],
      { port: 0, seqs: [1] },
    ),
  );
  assert.deepEqual(connection.dropped, { datagrams: 1, messages: 1 });
  failure.sendErrno = 'ENOBUFS';
  await assert.rejects(
    connection.request(
      { id: 0x1d, version: 1 },
      { command: 1, payload: new Uint8Array(0), dump: false },
    ),
    (error) => error instanceof NetlinkRequestError && error.errno === 'ENOBUFS',
  );
});

test('the fake kernel refuses a malformed service nest as the kernel does (EINVAL)', async () => {
  const { netlink, ipvs } = kernel();
  const connection = new GenlConnection(netlink.open(), 1000);
  const outcomes = await connection.batch(ipvs.family, [
    { command: IpvsCmd.NEW_SERVICE, payload: new Uint8Array(0), dump: false },
    { command: IpvsCmd.GET_DEST, payload: new Uint8Array(0), dump: false },
    { command: IpvsCmd.GET_INFO, payload: new Uint8Array(0), dump: false },
  ]);
  assert.deepEqual(
    outcomes.map((o) => (o.ok ? 'ok' : o.errno)),
    ['EINVAL', 'EOPNOTSUPP', 'ok'],
  );
  connection.close();
});
