/**
 * A keepalived.conf's tracked `killall -0 SERVICE` runs as keepalived runs it (a bare name looked
 * up in PATH; lib/notify.c find_path()): fleetlb-agent `--keepalived-conf` on d1 (priority 150,
 * `weight -60` while the service is down) against keepalived on d2 (priority 100). While the
 * service runs fleetlb is MASTER; when it dies fleetlb's priority drops to 90 and keepalived takes
 * the VIP; when it is back fleetlb preempts again.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKeepalived, type LabKeepalived } from '../support/keepalived-lab.js';
import { labPrerequisite, NetnsLab } from '../support/netns-lab.js';
import { LabAgent } from '../support/vrrp-lab.js';

const skip = labPrerequisite(['keepalived', 'killall']);
const AGENT_BIN = new URL('../../agent/bin/fleetlb-agent.js', import.meta.url).pathname;
const START_MS = 60_000; // a bound for agent start-up under load, not a measurement
const FAILOVER_MS = 60_000; // a bound for a takeover under load, not a measurement
const VIP = '192.0.2.100';
/** A short, unique process name (killall matches the first 15 characters of comm). */
const SERVICE = `flsvc${process.pid % 100_000}`;

const conf = `vrrp_script chk_service {
    script "killall -0 ${SERVICE}"
    interval 1
    weight -60
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass fleet-lb
    }
    virtual_ipaddress {
        ${VIP}/24
    }
    track_script {
        chk_service
    }
}
`;

describe('a keepalived.conf tracked killall -0 script moves the VIP (netns)', { skip }, () => {
  let lab: NetnsLab;
  let agent: LabAgent;
  let keepalived: LabKeepalived;
  let service: ChildProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'fleetlb-kconf-track-'));
  const binary = join(dir, SERVICE);

  const startService = () => {
    service = spawn(binary, ['infinity'], { stdio: 'ignore' });
  };

  before(async () => {
    copyFileSync('/bin/sleep', binary);
    startService();
    writeFileSync(join(dir, 'keepalived.conf'), conf);
    lab = await NetnsLab.start();
    lab.addHost('d1', { addresses: ['192.0.2.11/24'] });
    lab.addHost('d2', { addresses: ['192.0.2.12/24'] });
    const stateDir = mkdtempSync(join(dir, 'state-'));
    agent = new LabAgent(
      'd1',
      lab.spawn(
        [
          process.execPath,
          AGENT_BIN,
          '--keepalived-conf',
          join(dir, 'keepalived.conf'),
          '--state-dir',
          stateDir,
        ],
        'd1',
      ),
    );
    await agent.waitForState('vi_1', 'master', START_MS);
    keepalived = startKeepalived(lab, 'd2', [
      {
        name: 'vi_1',
        vrid: 51,
        version: 2,
        interface: 'eth0',
        advertIntervalCs: 100,
        priority: 100,
        authPassword: 'fleet-lb',
        vips: [`${VIP}/24`],
      },
    ]);
    await keepalived.waitForState('vi_1', 'BACKUP', START_MS);
  });
  after(async () => {
    service?.kill('SIGKILL');
    agent?.process.kill('SIGTERM');
    await keepalived?.stop();
    await lab?.stop();
  });

  test('the service dies: keepalived takes over; it comes back: fleetlb preempts', async () => {
    const died = Date.now();
    service?.kill('SIGKILL');
    await keepalived.waitForState('vi_1', 'MASTER', FAILOVER_MS, died);
    await agent.waitForState('vi_1', 'backup', FAILOVER_MS, died);
    const back = Date.now();
    startService();
    await agent.waitForState('vi_1', 'master', FAILOVER_MS, back);
    await keepalived.waitForState('vi_1', 'BACKUP', FAILOVER_MS, back);
    assert.equal(agent.state('vi_1'), 'master');
  });
});
