/**
 * agent/health datagram probes against real sockets on 127.0.0.1: UDP (matching reply, other
 * reply, silence with and without an expected reply, ICMP port unreachable → refused) and DNS
 * against a tiny responder here (A answer, NXDOMAIN, answer of another type, silence); a target
 * the socket cannot connect to is a failed check, not an exception.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { HealthCheck } from '../../contract/health-check.js';
import { runProbe } from '../../agent/health/probe.js';
import { assertFails, HOST, probe } from '../support/health-probe.js';

const closers: (() => void)[] = [];
after(() => closers.forEach((c) => c()));

async function udpServer(onMessage: (msg: Buffer, reply: (b: Uint8Array) => void) => void) {
  const sock = createSocket('udp4');
  sock.on('message', (msg, rinfo) =>
    onMessage(msg, (b) => sock.send(b, rinfo.port, rinfo.address)),
  );
  await new Promise<void>((r) => sock.bind(0, HOST, r));
  closers.push(() => sock.close());
  return sock.address().port;
}

describe('udp probe', () => {
  let echo = 0;
  let silent = 0;
  before(async () => {
    echo = await udpServer((msg, reply) => reply(Buffer.concat([Buffer.from('ok'), msg])));
    silent = await udpServer(() => undefined);
  });
  test('a reply starting with expectHex → up; another reply → body', async () => {
    assert.equal(
      (await probe({ type: 'udp', payloadHex: '7069', expectHex: '6f6b70' }, echo)).ok,
      true,
    );
    assertFails(await probe({ type: 'udp', payloadHex: '7069', expectHex: 'ffff' }, echo), 'body');
  });
  test('no reply: timeout when a reply is expected, up when not (keepalived)', async () => {
    assertFails(await probe({ type: 'udp', expectHex: '00' }, silent, 150), 'timeout');
    assert.equal((await probe({ type: 'udp', payloadHex: '00' }, silent, 150)).ok, true);
  });
  test('ICMP port unreachable → refused', async () => {
    const port = await closedUdpPort();
    assertFails(await probe({ type: 'udp', payloadHex: '00' }, port, 500), 'refused');
  });
});

async function closedUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, HOST, r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A DNS responder: good.test A → 192.0.2.1, wrongtype.test → a TXT answer, silent.test → no reply. */
function dnsAnswer(q: Buffer): Buffer | undefined {
  let i = 12;
  const labels: string[] = [];
  while ((q[i] ?? 0) !== 0) {
    const len = q[i] ?? 0;
    labels.push(q.subarray(i + 1, i + 1 + len).toString());
    i += len + 1;
  }
  const question = q.subarray(12, i + 5);
  const name = labels.join('.');
  if (name === 'silent.test') return undefined;
  const header = Buffer.from([q[0] ?? 0, q[1] ?? 0, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
  if (name === 'nx.test')
    return Buffer.concat([
      Buffer.from([q[0] ?? 0, q[1] ?? 0, 0x81, 0x83, 0, 1, 0, 0, 0, 0, 0, 0]),
      question,
    ]);
  const type = name === 'wrongtype.test' ? [0, 16] : [0, 1];
  const rr = Buffer.from([0xc0, 12, ...type, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]);
  return Buffer.concat([header, question, rr]);
}

describe('dns probe', () => {
  let port = 0;
  before(async () => {
    port = await udpServer((msg, reply) => {
      const a = dnsAnswer(msg);
      if (a) reply(a);
    });
  });
  test('an A answer to an A query → up', async () => {
    assert.deepEqual(await probe({ type: 'dns', queryName: 'good.test', queryType: 'A' }, port), {
      ok: true,
    });
  });
  test('NXDOMAIN, or an answer of another type → dns', async () => {
    assertFails(await probe({ type: 'dns', queryName: 'nx.test', queryType: 'A' }, port), 'dns');
    assertFails(
      await probe({ type: 'dns', queryName: 'wrongtype.test', queryType: 'A' }, port),
      'dns',
    );
    assertFails(
      await probe({ type: 'dns', queryName: 'good.test', queryType: 'AAAA' }, port),
      'dns',
    );
  });
  test('no reply → timeout', async () => {
    assertFails(
      await probe({ type: 'dns', queryName: 'silent.test', queryType: 'A' }, port, 150),
      'timeout',
    );
  });
});

test('a target the socket cannot connect to (here broadcast: EACCES) fails the check, no throw', async () => {
  const target = { address: '255.255.255.255', port: 53 };
  for (const input of [
    { type: 'udp' as const, payloadHex: '00' },
    { type: 'dns' as const, queryName: 'good.test' },
  ]) {
    const result = await runProbe(HealthCheck.parse(input), target, { timeoutMs: 500 });
    assert.equal(result.ok, false, input.type);
    if (!result.ok) assert.match(result.detail ?? '', /EACCES/, input.type);
  }
});
