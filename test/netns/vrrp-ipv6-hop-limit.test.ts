/**
 * The RFC 9568 §7.1 hop-limit check for IPv6, which the raw socket cannot make: an advert that
 * would win (priority 200) is dropped by the agent's nftables rule when its hop limit is not 255
 * (and counted there), and accepted, making the master yield, when it is 255.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeVrrp } from '../../agent/core/vrrp/encode.js';
import { HOP_LIMIT_TABLE } from '../../agent/core/vrrp/hop-limit.js';
import { labPrerequisite, NetnsLab } from '../support/netns-lab.js';
import { desiredDocument, startAgent, type LabAgent } from '../support/vrrp-lab.js';

const skip = labPrerequisite(['nft']);
const INJECT = new URL('./fixtures/vrrp-inject6.ts', import.meta.url).pathname;
const TSX = import.meta.resolve('tsx');
const VIP = '2001:db8::100';

describe('IPv6 hop limit 255 (netns, nftables)', { skip }, () => {
  let lab: NetnsLab;
  let agent: LabAgent;
  let attacker: string;

  before(async () => {
    lab = await NetnsLab.start();
    lab.addHost('d1', { addresses: ['2001:db8::11/64'] });
    lab.addHost('d3', { addresses: ['2001:db8::13/64'] });
    attacker = lab.addresses('d3').find((a) => a.startsWith('fe80:'))!;
    const instance = {
      name: 'web6',
      vrid: 61,
      version: 3 as const,
      interface: 'eth0',
      advertIntervalCs: 10,
      priority: 100,
      vips: [{ address: VIP, prefixLength: 64 }],
    };
    agent = startAgent(lab, 'd1', desiredDocument('d1', '2001:db8::11', [instance]));
    await agent.waitForState('web6', 'master', 60_000);
  });
  after(() => lab.stop());

  /** A priority-200 advert for the instance (checksum filled in by the sender's kernel). */
  const winning = () =>
    Buffer.from(
      encodeVrrp(
        { version: 3, vrid: 61, priority: 200, maxAdvertIntervalCs: 10, addresses: [VIP] },
        { family: 'ipv6', source: attacker, destination: 'ff02::12' },
      ),
    ).toString('hex');
  const inject = (hopLimit: number, count: number) =>
    lab.run(
      [
        process.execPath,
        '--import',
        TSX,
        INJECT,
        'eth0',
        String(hopLimit),
        ...Array(count).fill(winning()),
      ],
      'd3',
    );
  const dropped = (): number => {
    const json = JSON.parse(
      lab.run(['nft', '-j', 'list', 'table', 'ip6', HOP_LIMIT_TABLE], 'd1'),
    ) as {
      nftables: Array<{ rule?: { expr: Array<{ counter?: { packets: number } }> } }>;
    };
    return json.nftables
      .flatMap((o) => o.rule?.expr ?? [])
      .reduce((n, e) => n + (e.counter?.packets ?? 0), 0);
  };

  test('hop limit 64: dropped by the rule and counted; the master holds', async () => {
    inject(64, 5);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(dropped(), 5);
    assert.equal(agent.state('web6'), 'master');
  });

  test('hop limit 255: the same advert is accepted and the master yields to it', async () => {
    const t0 = Date.now();
    inject(255, 1);
    const yielded = await agent.waitForState('web6', 'backup', 60_000, t0);
    assert.equal(yielded.reason, 'higher-priority');
  });
});
