/**
 * Hostile input against a running fleetlb agent (netns): malformed VRRP packets of every class,
 * each with a priority that would win if it were accepted, must be dropped and counted by reason
 * while the agent stays MASTER; and a flood of address notifications (the `netlink` package aborts
 * its process on ENOBUFS: its src/binding.cc `PollHandler` passes a NULL syscall name to
 * `ErrnoException`) must not take the agent down.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { encodeVrrp } from '../../agent/core/vrrp/encode.js';
import { ipv4Packet } from '../../agent/core/vrrp/ipv4-header.js';
import type { VrrpV2Advert } from '../../agent/core/vrrp/types.js';
import { labPrerequisite, NetnsLab } from '../support/netns-lab.js';
import {
  desiredDocument,
  startAgent,
  type LabAgent,
  type LabInstance,
} from '../support/vrrp-lab.js';

const skip = labPrerequisite();
const INJECT = new URL('./fixtures/vrrp-inject.ts', import.meta.url).pathname;
const TSX = import.meta.resolve('tsx');
const VIP = '192.0.2.100';
const ATTACKER = '192.0.2.13';
const GROUP = '224.0.0.18';

const instance: LabInstance = {
  name: 'web',
  vrid: 51,
  version: 2,
  interface: 'eth0',
  advertIntervalCs: 100,
  authPassword: 'secret',
  priority: 100,
  vips: [{ address: VIP, prefixLength: 24 }],
};

/** A v2 advert that would take over (priority 200) if it were accepted. */
const winning: VrrpV2Advert = {
  version: 2,
  vrid: 51,
  priority: 200,
  advertIntervalS: 1,
  auth: { type: 'simple', password: 'secret' },
  addresses: [VIP],
};

function packet(payload: Uint8Array, ttl = 255): string {
  const bytes = ipv4Packet(ATTACKER, GROUP, payload);
  bytes[8] = ttl;
  return Buffer.from(bytes).toString('hex');
}

function corrupt(payload: Uint8Array, index: number, value: number): Uint8Array {
  const copy = new Uint8Array(payload);
  copy[index] = value;
  return copy;
}

/** One malformed packet per drop reason the agent can see on the wire. */
const HOSTILE: Record<string, string> = {
  length: packet(encodeVrrp(winning).subarray(0, 6)),
  ttl: packet(encodeVrrp(winning), 64),
  version: packet(corrupt(encodeVrrp(winning), 0, 0x41)),
  type: packet(corrupt(encodeVrrp(winning), 0, 0x22)),
  checksum: packet(corrupt(encodeVrrp(winning), 7, 0)),
  // v3 only (RFC 9568 erratum 8299): a v2 Count 0 is a notify-only instance's advert.
  address_count: packet(
    corrupt(
      encodeVrrp(
        { version: 3, vrid: 51, priority: 200, maxAdvertIntervalCs: 100, addresses: [VIP] },
        { family: 'ipv4', source: ATTACKER, destination: GROUP, checksum: 'pseudo-header' },
      ),
      3,
      0,
    ),
  ),
  interval: packet(encodeVrrp({ ...winning, advertIntervalS: 2 })),
  auth: packet(encodeVrrp({ ...winning, auth: { type: 'simple', password: 'guess' } })),
  vrid: packet(encodeVrrp({ ...winning, vrid: 99 })),
  address_list: packet(encodeVrrp({ ...winning, addresses: ['192.0.2.101'] })),
};

/**
 * A valid advert that loses (priority 50): the master counts it as received and ignores it. Sent
 * after the hostile ones on the same socket, it is read after them: once it is counted, so are they.
 */
const MARKER = packet(encodeVrrp({ ...winning, priority: 50 }));
const RECEIVED = /^fleetlb_vrrp_adverts_received_total\{[^}]*vrrp_instance="web"[^}]*\} (\d+)$/m;

describe('VRRP agent under hostile input (netns)', { skip }, () => {
  let lab: NetnsLab;
  let agent: LabAgent;
  /** The adverts d1's agent counted as received (its /metrics, read inside d1). */
  const received = (): number => {
    const script = `fetch('http://192.0.2.11:9500/metrics').then(async (r) => console.log(await r.text()))`;
    const text = lab.run([process.execPath, '-e', script], 'd1');
    return Number(RECEIVED.exec(text)?.[1] ?? 0);
  };

  before(async () => {
    lab = await NetnsLab.start();
    lab.addHost('d1', { addresses: ['192.0.2.11/24'] });
    lab.addHost('d3', { addresses: [`${ATTACKER}/24`] });
    const metrics = ['--metrics-listen', '192.0.2.11:9500'];
    agent = startAgent(lab, 'd1', desiredDocument('d1', '192.0.2.11', [instance]), metrics);
    await agent.waitForState('web', 'master', 60_000);
  });
  after(() => lab.stop());

  test('malformed adverts of every class are dropped and counted; the master stays', async () => {
    const hex = Object.values(HOSTILE);
    // Three rounds, so a packet the agent wrongly accepted would have three chances to win.
    const before = received();
    const argv = [process.execPath, '--import', TSX, INJECT, 'eth0', ...hex, ...hex, ...hex];
    assert.deepEqual(JSON.parse(lab.run([...argv, MARKER], 'd3')), { sent: hex.length * 3 + 1 });
    // The agent has read every hostile packet once it counted the marker sent after them.
    for (const deadline = Date.now() + 60_000; received() === before;) {
      assert.ok(Date.now() < deadline, 'the agent received the marker advert');
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(agent.transitions().at(-1)?.to, 'master');
    assert.equal(agent.transitions().length, 2, 'initialize → backup → master, nothing since');
    agent.process.kill('SIGTERM');
    const stats = await agent.waitFor((l) => l.event === 'stats', 60_000, 'drop statistics');
    await once(agent.process, 'exit');
    const drops = stats.drops as Record<string, number>;
    for (const reason of Object.keys(HOSTILE)) {
      assert.equal(
        drops[reason],
        3,
        `${reason} dropped three times (got ${JSON.stringify(drops)})`,
      );
    }
  });

  test('a flood of address notifications does not stop a running agent', async () => {
    agent = startAgent(lab, 'd1', desiredDocument('d1', '192.0.2.11', [instance]));
    await agent.waitForState('web', 'master', 60_000);
    const commands: string[] = [];
    for (let round = 0; round < 2; round++) {
      for (let i = 1; i < 255; i++) commands.push(`addr add 198.51.100.${i}/32 dev eth0`);
      for (let i = 1; i < 255; i++) commands.push(`addr del 198.51.100.${i}/32 dev eth0`);
    }
    for (let i = 0; i < 2000; i++)
      commands.push(`addr add 2001:db8:f::${i.toString(16)}/128 dev eth0 nodad`);
    lab.run(['ip', '-batch', '-'], 'd1', `${commands.join('\n')}\n`);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(agent.process.exitCode, null, 'agent alive');
    assert.equal(agent.transitions().at(-1)?.to, 'master', 'still master, no flap');
    assert.equal(agent.transitions().length, 2);
    assert.ok(lab.addresses('d1').includes(VIP));
    agent.process.kill('SIGTERM');
    await once(agent.process, 'exit');
    assert.equal(agent.process.exitCode, 0);
  });
});
