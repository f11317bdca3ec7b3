/**
 * The VRRP engine against the real kernel: fleetlb agents in lab hosts d1, d2, d3 on one bridge
 * (VRRPv3, 0.1 s adverts, VIP 192.0.2.100). Election among three; failover on kill -9 (the crash
 * guard resigns), on kill -9 of agent and guard (Master_Down_Timer; the VIP lease expires on the
 * dead master), on SIGTERM (priority 0), on link down, on a tracked check failing; nopreempt;
 * preempt delay; notify hooks. Timeouts are protocol bounds plus margin, never measurements.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const HOSTS = { d1: '192.0.2.11', d2: '192.0.2.12', d3: '192.0.2.13' } as const;
type HostName = keyof typeof HOSTS;
/** Master_Down_Interval at 0.1 s is ~0.36 s; agents need ~1 s to start under tsx. */
const SETTLE_MS = 8_000;
const FAILOVER_MS = 3_000;

/**
 * The first backup whose Master_Down_Timer runs out takes over, for `cause`: d2, whose Skew_Time
 * is shorter, unless d2's process stalls for longer than the difference ((100 - 50) / 256 of
 * 100 ms, 20 ms; seen under CI load). Then d3 takes over first, and d2, which discards its
 * lower-priority adverts, takes over in turn when its own timer fires (preempt, RFC 9568 §6.4.2).
 */
function assertTakeover(backups: LabAgent[], t0: number, cause: string): void {
  const takeovers = backups
    .flatMap((agent) => agent.lines.map((l) => ({ ...l, host: agent.host })))
    .filter((l) => l.event === 'transition' && l.to === 'master' && Number(l.wallMs ?? 0) >= t0)
    .sort((x, y) => Number(x.wallMs) - Number(y.wallMs));
  const reasons = takeovers.map((l) => `${l.host}: ${String(l.reason)}`);
  assert.equal(takeovers[0]?.reason, cause, reasons.join(', '));
  if (takeovers.length > 1) assert.equal(takeovers.at(-1)?.reason, 'preempt', reasons.join(', '));
}

const web = (priority: number, over: Partial<LabInstance> = {}): LabInstance => ({
  name: 'web',
  vrid: 51,
  version: 3,
  interface: 'eth0',
  advertIntervalCs: 10,
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

  async function electThree(): Promise<[LabAgent, LabAgent, LabAgent]> {
    const a = start('d1', web(150));
    const b = start('d2', web(100));
    const c = start('d3', web(50));
    await a.waitForState('web', 'master', SETTLE_MS);
    await b.waitForState('web', 'backup', SETTLE_MS);
    await c.waitForState('web', 'backup', SETTLE_MS);
    return [a, b, c];
  }

  test('three directors elect the highest priority; only it holds the VIP', async () => {
    const [a, b, c] = await electThree();
    await eventually(() => owners().join() === 'd1', FAILOVER_MS, 'VIP on d1 only');
    // Stable: a few advert intervals later nobody changed state.
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(
      [a.state('web'), b.state('web'), c.state('web')],
      ['master', 'backup', 'backup'],
    );
    await stopAll();
  });

  test('kill -9 of the master agent: its guard resigns, the next priority takes over', async () => {
    const [a, b, c] = await electThree();
    const t0 = Date.now();
    process.kill(a.pid, 'SIGKILL');
    await b.waitForState('web', 'master', FAILOVER_MS, t0);
    assertTakeover([b, c], t0, 'priority-zero'); // the backups reacted to the resignation
    await eventually(() => owners().join() === 'd2', FAILOVER_MS, 'VIP moved to d2 only');
    assert.equal(c.state('web'), 'backup');
    await stopAll();
  });

  test('kill -9 of agent and guard: Master_Down_Timer takeover; the dead master’s VIP lease expires', async () => {
    const [a, b, c] = await electThree();
    const t0 = Date.now();
    process.kill(guardPid(a), 'SIGKILL');
    process.kill(a.pid, 'SIGKILL');
    await b.waitForState('web', 'master', FAILOVER_MS, t0);
    assertTakeover([b, c], t0, 'master-down-timer');
    // valid_lft = max(2 s, ⌈Master_Down_Interval⌉): the kernel drops it by itself.
    await eventually(() => owners().join() === 'd2', 4_000, 'd1 VIP lease expired');
    await stopAll();
  });

  test('SIGTERM: priority-0 advert, VIP removed at once, backup takes over after Skew_Time', async () => {
    const [a, b] = await electThree();
    const t0 = Date.now();
    a.process.kill('SIGTERM');
    const takeover = await b.waitForState('web', 'master', FAILOVER_MS, t0);
    assert.equal(takeover.reason, 'priority-zero');
    await a.waitFor((l) => l.msg === 'stopped', FAILOVER_MS, 'clean stop');
    assert.deepEqual(owners(), ['d2']);
    await stopAll();
  });

  test('link down on the master: FAULT, backup takes over; link up: the master preempts back', async () => {
    const [a, b] = await electThree();
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
    await new Promise((r) => setTimeout(r, 1000));
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

  test('nopreempt: a higher-priority director that starts later stays backup', async () => {
    const b = start('d2', web(100));
    await b.waitForState('web', 'master', SETTLE_MS);
    const a = start('d1', web(150, { preempt: false }));
    await a.waitForState('web', 'backup', SETTLE_MS);
    await new Promise((r) => setTimeout(r, 1_000)); // ~3 Master_Down_Intervals
    assert.equal(a.state('web'), 'backup');
    assert.equal(b.state('web'), 'master');
    assert.deepEqual(owners(), ['d2']);
    await stopAll();
  });

  test('preempt delay: a higher-priority director takes over only after the delay', async () => {
    const b = start('d2', web(100));
    await b.waitForState('web', 'master', SETTLE_MS);
    const a = start('d1', web(150, { preemptDelayS: 2 }));
    const backup = await a.waitForState('web', 'backup', SETTLE_MS);
    const master = await a.waitForState('web', 'master', SETTLE_MS);
    assert.ok(master.wallMs! - backup.wallMs! >= 2_000, 'not before the 2 s delay');
    await b.waitForState('web', 'backup', FAILOVER_MS, master.wallMs! - 50);
    await stopAll();
  });

  test('notify hooks run with keepalived’s arguments', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetlb-notify-'));
    const log = join(dir, 'notify.log');
    const script = (tag: string): string => {
      const path = join(dir, `${tag}.sh`);
      writeFileSync(path, `#!/bin/sh\necho "${tag} $*" >> ${log}\n`);
      chmodSync(path, 0o755);
      return path;
    };
    const a = start('d1', web(150, { notify: { master: script('master'), any: script('any') } }));
    await a.waitForState('web', 'master', SETTLE_MS);
    // Each hook is its own process: the BACKUP hook of the startup may finish after the MASTER
    // one (keepalived does not order them either), so wait for both.
    const logged = () => readFileSync(log, { encoding: 'utf8', flag: 'a+' });
    await eventually(
      () =>
        logged().includes('any INSTANCE web MASTER 150') &&
        logged().includes('any INSTANCE web BACKUP 150'),
      FAILOVER_MS,
      'notify any, for BACKUP and MASTER',
    );
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    assert.ok(lines.includes('master '), 'notify_master runs without arguments');
    assert.ok(lines.includes('any INSTANCE web BACKUP 150'), 'startup went through BACKUP');
    await stopAll();
    rmSync(dir, { recursive: true });
  });
});
