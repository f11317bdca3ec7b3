/**
 * Accept_Mode (RFC 9568 §6.1) against the real kernel: a non-owner MASTER with `acceptMode:
 * false` holds the VIP but refuses connections to it (nftables, keepalived `no_accept`); with
 * the default (true) it accepts them. The ruleset is also checked by `nft -c` for IPv4 and IPv6.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { noAcceptRuleset } from '../../agent/core/vrrp/accept-mode.js';
import { labPrerequisite, NetnsLab } from '../support/netns-lab.js';
import { desiredDocument, startAgent, type LabInstance } from '../support/vrrp-lab.js';

const skip = labPrerequisite(['nft']);
const VIP = '192.0.2.100';
const PORT = 8080;
const SERVER = `require('node:net').createServer((s) => s.end('hello')).listen(${PORT}, '0.0.0.0', () => console.log('listening'))`;
const CLIENT = `const s = require('node:net').connect({ host: '${VIP}', port: ${PORT}, timeout: 1000 });
s.on('data', () => { console.log('connected'); process.exit(0); });
s.on('timeout', () => { console.log('timeout'); process.exit(0); });
s.on('error', (e) => { console.log(e.code); process.exit(0); });`;

const web = (acceptMode: boolean): LabInstance => ({
  name: 'web',
  vrid: 51,
  version: 3,
  interface: 'eth0',
  advertIntervalCs: 10,
  priority: 150,
  acceptMode,
  vips: [{ address: VIP, prefixLength: 24 }],
});

describe('Accept_Mode (netns, nftables)', { skip }, () => {
  let lab: NetnsLab;
  before(async () => {
    lab = await NetnsLab.start();
    lab.addHost('d1', { addresses: ['192.0.2.11/24'] });
    lab.addHost('client', { addresses: ['192.0.2.50/24'] });
    const server = lab.spawn([process.execPath, '-e', SERVER], 'd1');
    await once(server.stdout!, 'data');
  });
  after(() => lab.stop());

  const connect = () => lab.run([process.execPath, '-e', CLIENT], 'client').trim();

  for (const acceptMode of [false, true]) {
    test(`acceptMode ${acceptMode}: the master ${acceptMode ? 'accepts' : 'refuses'} connections to the VIP`, async () => {
      const agent = startAgent(lab, 'd1', desiredDocument('d1', '192.0.2.11', [web(acceptMode)]));
      await agent.waitForState('web', 'master', 60_000);
      assert.ok(lab.addresses('d1').includes(VIP), 'the master holds the VIP');
      assert.equal(connect(), acceptMode ? 'connected' : 'timeout');
      agent.process.kill('SIGTERM');
      await once(agent.process, 'exit');
      assert.equal(
        lab.run(['nft', 'list', 'tables'], 'd1').includes('fleetlb'),
        false,
        'rules removed on stop',
      );
    });
  }

  test('the ruleset is valid nftables for IPv4, IPv6 and the empty case', () => {
    for (const addresses of [[VIP], ['2001:db8::100'], [VIP, '2001:db8::100'], []]) {
      lab.run(['nft', '-c', '-f', '-'], 'd1', noAcceptRuleset(addresses));
    }
  });
});
