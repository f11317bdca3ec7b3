/**
 * @module keepalived on d1 and d2 for the failover benchmark, through
 * test/support/keepalived-lab.ts (`keepalived --vrrp`, state from the notify fifo) with the
 * lab's configuration: d1 `state MASTER` priority 150, d2 `state BACKUP` priority 100,
 * unicast adverts. Failures: kill9 = SIGKILL to the VRRP child, then the parent (child first: a
 * parent killed alone makes the child resign); term = SIGTERM to the parent.
 */
import { once } from 'node:events';
import {
  startKeepalived,
  type KeepalivedInstance,
  type LabKeepalived,
} from '../../test/support/keepalived-lab.js';
import { wallNow } from './capture.js';
import { DIRECTORS, INSTANCE, VIP, VIP_PREFIX, VRID, type Director } from './lab.js';
import type { FailoverLab, Timers } from './lab.js';
import type { Mode, Pair } from './trial.js';

const START_TIMEOUT_MS = 30_000;

export class KeepalivedPair implements Pair {
  readonly impl = 'keepalived';
  readonly modes: readonly Mode[] = ['kill9', 'term'];
  private readonly running: Partial<Record<Director, LabKeepalived>> = {};
  /** stop() of killed instances: it also waits for the reaping of the orphaned VRRP child. */
  private readonly cleanups: Promise<void>[] = [];
  private readonly exitedAt = new WeakMap<LabKeepalived, number>();

  constructor(
    private readonly fl: FailoverLab,
    private readonly timers: Timers,
  ) {}

  async start(): Promise<void> {
    const since = wallNow();
    const d1 = this.launch('d1');
    const d2 = this.launch('d2');
    await d1.waitForState(INSTANCE, 'MASTER', START_TIMEOUT_MS, since);
    await d2.waitForState(INSTANCE, 'BACKUP', START_TIMEOUT_MS, since);
  }

  fail(mode: Mode): number {
    const d1 = this.d1();
    const child = d1.vrrpPid();
    const parent = d1.pid;
    const t0 = wallNow();
    if (mode === 'kill9') {
      if (child !== undefined) process.kill(child, 'SIGKILL');
      process.kill(parent, 'SIGKILL');
    } else if (mode === 'term') {
      process.kill(parent, 'SIGTERM');
    } else {
      throw new Error(`keepalived has no mode ${mode}`);
    }
    return t0;
  }

  async d2Master(afterMs: number, timeoutMs: number): Promise<number | undefined> {
    const d2 = this.running.d2;
    const event = await d2?.waitForState(INSTANCE, 'MASTER', timeoutMs, afterMs).catch(() => null);
    return event?.wallMs;
  }

  d1ExitedAt(): number | undefined {
    return this.exitedAt.get(this.d1());
  }

  /** After kill -9 the VIP stays on d1 until keepalived is restarted there. */
  d1ReleaseWaitMs(mode: Mode): number {
    return mode === 'kill9' ? 0 : 1000;
  }

  async restore(): Promise<void> {
    const old = this.d1();
    if (old.process.exitCode === null && old.process.signalCode === null) {
      await once(old.process, 'exit');
    }
    this.cleanups.push(old.stop('SIGKILL'));
    const since = wallNow();
    const d1 = this.launch('d1');
    await d1.waitForState(INSTANCE, 'MASTER', START_TIMEOUT_MS, since);
    await this.running.d2!.waitForState(INSTANCE, 'BACKUP', START_TIMEOUT_MS, since);
  }

  async stop(): Promise<void> {
    await Promise.all(Object.values(this.running).map((k) => k.stop('SIGTERM')));
    await Promise.all(this.cleanups);
  }

  tails(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.running).map(([h, k]) => [h, k.tail()]));
  }

  private d1(): LabKeepalived {
    const d1 = this.running.d1;
    if (!d1) throw new Error('d1 is not running');
    return d1;
  }

  private launch(host: Director): LabKeepalived {
    const { address, priority, peer } = DIRECTORS[host];
    const instance: KeepalivedInstance = {
      name: INSTANCE,
      vrid: VRID,
      version: this.timers.version,
      interface: 'eth0',
      advertIntervalCs: this.timers.advertIntervalCs,
      priority,
      state: host === 'd1' ? 'MASTER' : 'BACKUP',
      unicastSource: address,
      unicastPeers: [peer],
      vips: [`${VIP}/${VIP_PREFIX}`],
    };
    const keepalived = startKeepalived(this.fl.lab, host, [instance]);
    this.running[host] = keepalived;
    keepalived.process.once('exit', () => this.exitedAt.set(keepalived, wallNow()));
    return keepalived;
  }
}
