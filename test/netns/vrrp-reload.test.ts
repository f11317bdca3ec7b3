/**
 * SIGHUP reload of the standalone agent against the real kernel (one lab host, VRRPv3 0.1 s):
 * an added instance starts while an unchanged one runs on with no transition; a removed
 * instance resigns and its VIP goes; an invalid document is refused and the one in force stays.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { labPrerequisite, NetnsLab } from '../support/netns-lab.js';
import { desiredDocument, LabAgent, type LabInstance } from '../support/vrrp-lab.js';

const skip = labPrerequisite();
const AGENT_BIN = new URL('../../agent/bin/fleetlb-agent.js', import.meta.url).pathname;
const ADDRESS = '192.0.2.11';
const SETTLE_MS = 60_000; // a bound for agent start-up under load, not a measurement

const instance = (name: string, vrid: number, vip: string): LabInstance => ({
  ...{ name, vrid, version: 3, interface: 'eth0', advertIntervalCs: 10, priority: 150 },
  vips: [{ address: vip, prefixLength: 24 }],
});
const A = instance('a', 51, '192.0.2.100');
const B = instance('b', 52, '192.0.2.101');

describe('SIGHUP reload (netns)', { skip }, () => {
  let lab: NetnsLab;
  let agent: LabAgent;
  const path = join(mkdtempSync(join(tmpdir(), 'fleetlb-reload-')), 'desired.json');
  const write = (instances: LabInstance[], revision: number) =>
    writeFileSync(path, JSON.stringify({ ...desiredDocument('d1', ADDRESS, instances), revision }));
  const vips = () => lab.run(['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'], 'd1');
  const transitionsOf = (name: string) =>
    agent.lines.filter((l) => l.event === 'transition' && l.instance === name).length;
  const reloaded = (revision: number) =>
    agent.waitFor((l) => l.msg === 'reloaded' && l.revision === revision, SETTLE_MS, 'reload');

  before(async () => {
    lab = await NetnsLab.start();
    lab.addHost('d1', { addresses: [`${ADDRESS}/24`] });
    write([A], 1);
    const argv = [process.execPath, AGENT_BIN, '--desired', path, '--state-dir', dirname(path)];
    agent = new LabAgent('d1', lab.spawn(argv, 'd1'));
    await agent.waitForState('a', 'master', SETTLE_MS);
  });
  after(async () => {
    agent?.process.kill('SIGTERM');
    await lab?.stop();
  });

  test('an added instance starts; the unchanged one runs on untouched', async () => {
    const before = transitionsOf('a');
    write([A, B], 2);
    agent.process.kill('SIGHUP');
    await reloaded(2);
    await agent.waitForState('b', 'master', SETTLE_MS);
    assert.equal(transitionsOf('a'), before);
    assert.match(vips(), /192\.0\.2\.100\/24/);
    assert.match(vips(), /192\.0\.2\.101\/24/);
  });

  test('a removed instance resigns and its VIP goes; the other runs on', async () => {
    const beforeB = transitionsOf('b');
    write([B], 3);
    agent.process.kill('SIGHUP');
    await reloaded(3);
    await agent.waitFor(
      (l) => l.event === 'transition' && l.instance === 'a' && l.to === 'initialize',
      SETTLE_MS,
      'a resigns',
    );
    assert.doesNotMatch(vips(), /192\.0\.2\.100\//);
    assert.match(vips(), /192\.0\.2\.101\/24/);
    assert.equal(transitionsOf('b'), beforeB);
  });

  test('an invalid document is refused and the one in force stays', async () => {
    writeFileSync(path, '{"apiVersion": "fleetlb/v1", "kind": ');
    agent.process.kill('SIGHUP');
    await agent.waitFor((l) => /reload refused/.test(String(l.msg)), SETTLE_MS, 'refusal');
    assert.equal(agent.state('b'), 'master');
    assert.match(vips(), /192\.0\.2\.101\/24/);
  });
});
