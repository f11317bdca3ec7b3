/**
 * @module fleetlb on d1 and d2 for the failover benchmark: `fleetlb-agent --desired FILE` per host
 * (crash guard on), its JSON log read through test/support/vrrp-lab.ts's LabAgent. Failures:
 * kill9 = SIGKILL to the guard, then the agent (the hard failure: nothing resigns, the VIP lease
 * runs out by itself); kill9-agent = SIGKILL to the agent only (the guard resigns for it);
 * term = SIGTERM to the agent (it resigns itself).
 */
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { leaseSeconds } from '../../agent/vrrp/vip-leases.js';
import { masterDownIntervalMs } from '../../agent/core/vrrp/timing.js';
import { desiredDocument, LabAgent } from '../../test/support/vrrp-lab.js';
import { sleep, until, wallNow } from './capture.js';
import { DIRECTORS, INSTANCE, VIP, VIP_PREFIX, VRID, type Director } from './lab.js';
import type { FailoverLab, Timers } from './lab.js';
import { alive, type Mode, type Pair } from './trial.js';

const AGENT_BIN = new URL('../../agent/bin/fleetlb-agent.js', import.meta.url).pathname;
const START_TIMEOUT_MS = 30_000;

interface Running {
  agent: LabAgent;
  guardPid: number | undefined;
  exitedAt?: number;
}

export class FleetlbPair implements Pair {
  readonly impl = 'fleetlb';
  readonly modes: readonly Mode[] = ['kill9', 'term', 'kill9-agent'];
  private readonly running: Partial<Record<Director, Running>> = {};

  /**
   * @param dir where the desired-state files go (the run's work directory)
   * @param env the agents' environment
   */
  constructor(
    private readonly fl: FailoverLab,
    private readonly timers: Timers,
    private readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  async start(): Promise<void> {
    const since = wallNow();
    const [d1, d2] = await Promise.all([this.launch('d1'), this.launch('d2')]);
    await d1.agent.waitForState(INSTANCE, 'master', START_TIMEOUT_MS, since);
    await until(() => d2.agent.state(INSTANCE) === 'backup' || undefined, START_TIMEOUT_MS);
  }

  fail(mode: Mode): number {
    const { agent, guardPid } = this.d1();
    if (mode === 'kill9' && guardPid === undefined) throw new Error('d1 runs without a guard');
    const t0 = wallNow();
    if (mode === 'kill9') process.kill(guardPid!, 'SIGKILL');
    process.kill(agent.pid, mode === 'term' ? 'SIGTERM' : 'SIGKILL');
    return t0;
  }

  async d2Master(afterMs: number, timeoutMs: number): Promise<number | undefined> {
    const d2 = this.running.d2?.agent;
    const line = await d2?.waitForState(INSTANCE, 'master', timeoutMs, afterMs).catch(() => null);
    return line?.wallMs;
  }

  d1ExitedAt(): number | undefined {
    return this.running.d1?.exitedAt;
  }

  /** kill9: the lease (⌈d1's Master_Down_Interval⌉, ≥ 2 s) plus the kernel's expiry check. */
  d1ReleaseWaitMs(mode: Mode): number {
    const { version, advertIntervalCs } = this.timers;
    const mdi = masterDownIntervalMs(version, DIRECTORS.d1.priority, advertIntervalCs);
    return mode === 'kill9' ? leaseSeconds(mdi) * 1000 + 2000 : 1000;
  }

  async restore(): Promise<void> {
    const old = this.d1();
    await this.exited(old);
    const since = wallNow();
    const d1 = await this.launch('d1');
    await d1.agent.waitForState(INSTANCE, 'master', START_TIMEOUT_MS, since);
    await this.running.d2!.agent.waitForState(INSTANCE, 'backup', START_TIMEOUT_MS, since);
  }

  async stop(): Promise<void> {
    for (const running of Object.values(this.running)) {
      if (alive(running.agent.pid)) process.kill(running.agent.pid, 'SIGTERM');
      await this.exited(running);
    }
  }

  /** Log lines of the agents, for the JSON when something failed. */
  tails(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.running).map(([h, r]) => [h, r.agent.tail()]));
  }

  private d1(): Running {
    const d1 = this.running.d1;
    if (!d1) throw new Error('d1 is not running');
    return d1;
  }

  /** Waits for the agent and its guard to be gone (SIGKILL after 10 s). */
  private async exited({ agent, guardPid }: Running): Promise<void> {
    const { process: child } = agent;
    if (child.exitCode === null && child.signalCode === null) {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await once(child, 'exit');
      clearTimeout(timer);
    }
    for (let waited = 0; guardPid !== undefined && alive(guardPid); waited += 10) {
      if (waited === 10_000) process.kill(guardPid, 'SIGKILL');
      await sleep(10);
    }
  }

  private async launch(host: Director): Promise<Running> {
    const { address, priority, peer } = DIRECTORS[host];
    const { version, advertIntervalCs } = this.timers;
    const document = desiredDocument(host, address, [
      {
        name: INSTANCE,
        vrid: VRID,
        version,
        interface: 'eth0',
        advertIntervalCs,
        priority,
        unicast: true,
        unicastSource: address,
        unicastPeers: [peer],
        vips: [{ address: VIP, prefixLength: VIP_PREFIX }],
      },
    ]);
    const path = join(this.dir, `fleetlb-${host}.json`);
    writeFileSync(path, JSON.stringify(document));
    const argv = [process.execPath, AGENT_BIN, '--desired', path, '--state-dir', this.dir];
    const agent = new LabAgent(host, this.fl.lab.spawn(argv, host, { env: this.env }));
    const started = await agent.waitFor(
      (l) => l.msg === 'fleetlb-agent started',
      START_TIMEOUT_MS,
      'agent start-up',
    );
    const guardPid = typeof started.guardPid === 'number' ? started.guardPid : undefined;
    const running: Running = { agent, guardPid };
    agent.process.once('exit', () => (running.exitedAt = wallNow()));
    this.running[host] = running;
    return running;
  }
}
