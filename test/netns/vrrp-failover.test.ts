/**
 * The VRRP engine against the real kernel, wire and processes: fleetlb agents in lab hosts d1
 * and d2 on one bridge (VRRPv3, 1 s adverts, VIP 192.0.2.100). Election with the VIP in the
 * kernel; failover on kill -9 (the crash guard, a process of its own, resigns), on kill -9 of
 * agent and guard (Master_Down_Timer; the VIP lease expires in the kernel), on SIGTERM
 * (priority 0, VIP removed), on link down (rtnetlink), on a tracked script failing.
 *
 * Election logic with more directors, nopreempt, preempt delay, notify hooks and in-place edits
 * run in-process on the simulated LAN (test/agent/vrrp-simulated.test.ts). Two directors here
 * make every takeover's cause unique, and 1 s adverts give each process seconds, not tens of
 * milliseconds, before a stall looks like a dead master: the bounds below are protocol
 * intervals (Master_Down_Interval 3.6 s, Skew_Time 0.6 s, the lease max(2 s, ⌈MDI⌉) = 4 s) with
 * a margin for start-up under load, never measurements.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labPrerequisite, NetnsLab } from '../support/netns-lab.js';
import {
  desiredDocument,
  eventually,
  startAgent,
  type LabAgent,
  type LabInstance,
} from '../support/vrrp-lab.js';

const skip = labPrerequisite();
const VIP = '192.0.2.100';
const HOSTS = { d1: '192.0.2.11', d2: '192.0.2.12' } as const;
type HostName = keyof typeof HOSTS;
/** Agent start-up (seconds under tsx and load) plus d1's Master_Down_Interval (3.4 s). */
const SETTLE_MS = 60_000; // a bound for agent start-up under load, not a measurement
/** Master_Down_Interval (3.6 s) or the lease (4 s), with margin for a loaded machine. */
const FAILOVER_MS = 60_000; // a bound for a takeover under load, not a measurement

/** The takeovers by `agent` since `t0`, as `reason`s. */
function takeovers(agent: LabAgent, t0: number): string[] {
  return agent.lines
    .filter((l) => l.event === 'transition' && l.to === 'master' && Number(l.wallMs ?? 0) >= t0)
    .map((l) => String(l.reason));
}

const web = (priority: number, over: Partial<LabInstance> = {}): LabInstance => ({
  name: 'web',
  vrid: 51,
  version: 3,
  interface: 'eth0',
  advertIntervalCs: 100,
  priority,
  vips: [{ address: VIP, prefixLength: 24 }],
  garp: { masterDelayS: 0, masterRepeat: 1, masterRefreshS: 0, intervalMs: 0 },
  ...over,
});

describe('VRRP failover between fleetlb agents (netns)', { skip }, () => {
  let lab: NetnsLab;
  const running: LabAgent[] = [];

  before(async () => {
    lab = await NetnsLab.start();
    for (const [name, address] of Object.entries(HOSTS)) {
      lab.addHost(name, { addresses: [`${address}/24`] });
    }
  });
  after(async () => {
    await stopAll();
    await lab.stop();
  });

  function start(host: HostName, instance: LabInstance): LabAgent {
    const agent = startAgent(lab, host, desiredDocument(host, HOSTS[host], [instance]));
    running.push(agent);
    return agent;
  }

  /** SIGTERM every agent still running and wait for it (and its VIP) to go. */
  async function stopAll(): Promise<void> {
    await Promise.all(
      running.splice(0).map(async (agent) => {
        const child = agent.process;
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        await once(child, 'exit');
      }),
    );
    await eventually(() => owners().length === 0, FAILOVER_MS, 'no VIP owner after stop');
  }

  function owners(): HostName[] {
    return (Object.keys(HOSTS) as HostName[]).filter((h) => lab.addresses(h).includes(VIP));
  }

  function guardPid(agent: LabAgent): number {
    const started = agent.lines.find((l) => l.msg === 'fleetlb-agent started');
    assert.equal(typeof started?.guardPid, 'number', 'the agent reports its guard');
    return started!.guardPid as number;
  }

  async function electTwo(): Promise<[LabAgent, LabAgent]> {
    const a = start('d1', web(150));
    const b = start('d2', web(100));
    await a.waitForState('web', 'master', SETTLE_MS);
    await b.waitForState('web', 'backup', SETTLE_MS);
    await eventually(() => owners().join() === 'd1', FAILOVER_MS, 'VIP on d1 only');
    return [a, b];
  }

  test('two directors elect the higher priority; only it holds the VIP', async () => {
    const [a, b] = await electTwo();
    // Stable: three advert intervals later nobody changed state.
    await new Promise((r) => setTimeout(r, 3_000));
    assert.deepEqual([a.state('web'), b.state('web')], ['master', 'backup']);
    assert.deepEqual(owners(), ['d1']);
    await stopAll();
  });

  test('kill -9 of the master agent: its guard resigns (priority 0), the backup takes over', async () => {
    const [a, b] = await electTwo();
    const t0 = Date.now();
    process.kill(a.pid, 'SIGKILL');
    await b.waitForState('web', 'master', FAILOVER_MS, t0);
    // Only a priority-0 advert, which only the guard can send now, makes the cause priority-zero
    // (the Master_Down_Timer would give the guard 3.6 s).
    assert.deepEqual(takeovers(b, t0), ['priority-zero']);
    await eventually(() => owners().join() === 'd2', FAILOVER_MS, 'VIP moved to d2 only');
    await stopAll();
  });

  test('kill -9 of agent and guard: Master_Down_Timer takeover; the dead master’s VIP lease expires', async () => {
    const [a, b] = await electTwo();
    const t0 = Date.now();
    process.kill(guardPid(a), 'SIGKILL');
    process.kill(a.pid, 'SIGKILL');
    await b.waitForState('web', 'master', FAILOVER_MS, t0);
    assert.deepEqual(takeovers(b, t0), ['master-down-timer']);
    // valid_lft = max(2 s, ⌈Master_Down_Interval⌉): the kernel drops it by itself.
    await eventually(() => owners().join() === 'd2', FAILOVER_MS, 'd1 VIP lease expired');
    await stopAll();
  });

  test('SIGTERM: priority-0 advert, VIP removed, the backup takes over', async () => {
    const [a, b] = await electTwo();
    const t0 = Date.now();
    a.process.kill('SIGTERM');
    await b.waitForState('web', 'master', FAILOVER_MS, t0);
    assert.deepEqual(takeovers(b, t0), ['priority-zero']);
    await a.waitFor((l) => l.msg === 'stopped', FAILOVER_MS, 'clean stop');
    await eventually(() => owners().join() === 'd2', FAILOVER_MS, 'VIP on d2 only');
    await stopAll();
  });

  test('link down on the master: FAULT, backup takes over; link up: the master preempts back', async () => {
    const [a, b] = await electTwo();
    const t0 = Date.now();
    lab.run(['ip', 'link', 'set', 'eth0', 'down'], 'd1');
    await a.waitForState('web', 'fault', FAILOVER_MS, t0);
    await b.waitForState('web', 'master', FAILOVER_MS, t0);
    const t1 = Date.now();
    lab.run(['ip', 'link', 'set', 'eth0', 'up'], 'd1');
    await a.waitForState('web', 'master', SETTLE_MS, t1);
    await b.waitForState('web', 'backup', SETTLE_MS, t1);
    await eventually(() => owners().join() === 'd1', FAILOVER_MS, 'VIP back on d1 only');
    await stopAll();
  });

  test('a tracked script failing lowers the priority (weight −60): the backup preempts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetlb-track-'));
    const healthy = join(dir, 'healthy');
    writeFileSync(healthy, '');
    const check = {
      type: 'script' as const,
      name: 'healthy-file',
      path: '/usr/bin/test',
      args: ['-e', healthy],
      intervalMs: 100,
      weight: -60,
    };
    const a = start('d1', web(150, { trackedChecks: [check] }));
    const b = start('d2', web(100));
    await a.waitForState('web', 'master', SETTLE_MS);
    await b.waitForState('web', 'backup', SETTLE_MS);
    // Let both agents finish starting: d2 must see d1's lower-priority adverts (a preempt), and
    // a start-up stall of d1 longer than Master_Down_Interval would look like a dead master.
    await new Promise((r) => setTimeout(r, 3_000));
    const t0 = Date.now();
    rmSync(healthy);
    const takeover = await b.waitForState('web', 'master', FAILOVER_MS, t0);
    assert.equal(takeover.reason, 'preempt', '100 > 150 − 60: d2 stops accepting d1');
    await a.waitForState('web', 'backup', FAILOVER_MS, t0);
    writeFileSync(healthy, '');
    await a.waitForState('web', 'master', FAILOVER_MS, Date.now());
    await stopAll();
    rmSync(dir, { recursive: true });
  });
});
