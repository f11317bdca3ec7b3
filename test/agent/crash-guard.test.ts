/**
 * @module The agent's side of the crash guard: the lines that arm the native guard
 * (agent/vrrp/guard/protocol.ts), the real guard's answer to them (no privileges needed to arm:
 * sockets it cannot open are reported on its stderr), and a guard that cannot start at all,
 * which leaves the agent running and says why (degrade, don't stop).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { guardPath } from '@fleetlb/packet-socket/helpers';
import { GuardClient } from '../../agent/vrrp/guard/client.js';
import { encodeArm, type ResignationKit } from '../../agent/vrrp/guard/protocol.js';
import { prerequisite } from '../support/tier.js';

const kit = (over: Partial<ResignationKit> = {}): ResignationKit => ({
  instance: 'web',
  interfaceName: 'eth0',
  interfaceIndex: 2,
  family: 'ipv4',
  source: '192.0.2.11',
  adverts: [{ destination: '224.0.0.18', payload: new Uint8Array([0x31, 0x33, 0, 1]) }],
  vips: [{ interfaceIndex: 2, address: '192.0.2.100', prefixLength: 24 }],
  ...over,
});

test('an IPv4 kit carries the whole packet: IP header with the source, then the VRRP payload', () => {
  const { text, refused } = encodeArm([kit()]);
  assert.deepEqual(refused, []);
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], 'kit web eth0 2 4');
  const [, destination, hex] = lines[1]!.split(' ');
  assert.equal(destination, '224.0.0.18');
  const packet = Buffer.from(hex!, 'hex');
  assert.equal(packet.length, 24);
  assert.equal(packet[0], 0x45);
  assert.equal(packet[8], 255, 'TTL 255');
  assert.equal(packet[9], 112, 'protocol VRRP');
  assert.deepEqual([...packet.subarray(12, 16)], [192, 0, 2, 11]);
  assert.deepEqual([...packet.subarray(20)], [0x31, 0x33, 0, 1]);
  assert.deepEqual(lines.slice(2), ['vip 2 192.0.2.100 24', 'armed']);
});

test('an IPv6 kit carries the VRRP payload only (the kernel writes the header)', () => {
  const { text } = encodeArm([
    kit({
      family: 'ipv6',
      adverts: [{ destination: 'fe80::2%eth0', payload: new Uint8Array([0x31, 0x33]) }],
    }),
  ]);
  assert.match(text, /^kit web eth0 2 6\nadvert fe80::2%eth0 3133\n/);
});

test('a kit the guard cannot carry is left out and said', () => {
  const { text, refused } = encodeArm([kit({ instance: 'two words' }), kit({ instance: 'ok' })]);
  assert.equal(refused.length, 1);
  assert.match(refused[0]!, /two words/);
  assert.match(text, /^kit ok /);
});

test('a guard that cannot start: the client says why and does not wait for it', async () => {
  const logs: string[] = [];
  const client = new GuardClient((m) => logs.push(m), '/nonexistent/fleetlb-guard');
  client.start();
  await client.ready;
  assert.equal(client.pid, undefined);
  assert.match(client.problem ?? '', /cannot start .*ENOENT/);
  assert.deepEqual(logs, [client.problem]);
  client.arm([kit()]); // no guard: arming is a no-op, never a throw
  await client.close();
});

const built = prerequisite(existsSync(guardPath), `${guardPath} is not built (npm ci builds it)`);

test(
  'the native guard answers every arm and exits without resigning after `exit`',
  { skip: built },
  async () => {
    const logs: string[] = [];
    const client = new GuardClient((m) => logs.push(m));
    client.start();
    await client.ready;
    assert.equal(typeof client.pid, 'number');
    client.arm([kit({ interfaceName: 'nonexistent0' })]);
    await client.close();
    assert.deepEqual(logs, []);
  },
);
