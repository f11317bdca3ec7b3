/**
 * The agent's HTTP endpoint against the real kernel (one lab host): /healthz, /readyz and
 * /metrics with the VRRP state set, the applied revision and IPVS availability (this kernel has
 * none), read from inside the host's namespace.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labPrerequisite, NetnsLab } from '../support/netns-lab.js';
import { desiredDocument, LabAgent } from '../support/vrrp-lab.js';

const skip = labPrerequisite();
const AGENT_BIN = new URL('../../agent/bin/fleetlb-agent.js', import.meta.url).pathname;
const ADDRESS = '192.0.2.11';

describe('agent metrics endpoint (netns)', { skip }, () => {
  let lab: NetnsLab;
  let agent: LabAgent;
  const dir = mkdtempSync(join(tmpdir(), 'fleetlb-metrics-'));
  const get = (path: string): string =>
    lab.run(
      [
        process.execPath,
        '-e',
        `fetch('http://${ADDRESS}:9500${path}').then(async (r) => console.log(r.status + '\\n' + (await r.text())))`,
      ],
      'd1',
    );

  before(async () => {
    lab = await NetnsLab.start();
    lab.addHost('d1', { addresses: [`${ADDRESS}/24`] });
    const instance = {
      ...{ name: 'web', vrid: 51, version: 3 as const, interface: 'eth0', advertIntervalCs: 10 },
      ...{ priority: 150, vips: [{ address: '192.0.2.100', prefixLength: 24 }] },
    };
    writeFileSync(
      join(dir, 'desired.json'),
      JSON.stringify({ ...desiredDocument('d1', ADDRESS, [instance]), revision: 7 }),
    );
    const argv = [AGENT_BIN, '--desired', join(dir, 'desired.json')];
    const options = ['--metrics-listen', `${ADDRESS}:9500`, '--state-dir', dir];
    agent = new LabAgent('d1', lab.spawn([process.execPath, ...argv, ...options], 'd1'));
    await agent.waitForState('web', 'master', 60_000); // start-up under load: a bound
  });
  after(async () => {
    agent?.process.kill('SIGTERM');
    await lab?.stop();
  });

  test('/healthz and /readyz answer 200 once the document is applied', () => {
    assert.match(get('/healthz'), /^200\n/);
    assert.match(get('/readyz'), /^200\nready/);
  });

  test('/metrics: the VRRP state set, the applied revision, IPVS unavailable', () => {
    const text = get('/metrics');
    assert.match(text, /^200\n/);
    assert.match(text, /fleetlb_vrrp_state\{[^}]*vrrp_instance="web"[^}]*state="master"[^}]*\} 1/);
    assert.match(text, /fleetlb_vrrp_state\{[^}]*state="backup"[^}]*\} 0/);
    assert.match(text, /fleetlb_agent_config_applied_revision 7/);
    assert.match(text, /fleetlb_agent_ipvs_available 0/);
    assert.match(text, /^process_start_time_seconds /m);
  });
});
