/**
 * @module The two director pairs the edits benchmark reloads: fleetlb agents reading a
 * desired-state file (`--desired`, SIGHUP re-reads it) and keepalived (`--vrrp`, SIGHUP re-reads
 * keepalived.conf), both on the failover lab (../vrrp-failover/lab.ts) with unicast adverts.
 * `apply` writes each director's new configuration and signals it, d1 first; it returns the wall
 * time of d1's signal, from which the change's time to the wire is counted.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VrrpVersion } from '../../agent/core/vrrp/timing.js';
import { startKeepalived, type LabKeepalived } from '../../test/support/keepalived-lab.js';
import { desiredDocument, LabAgent, type LabInstance } from '../../test/support/vrrp-lab.js';
import { sleep, wallNow } from '../vrrp-failover/capture.js';
import { DIRECTORS, INSTANCE, VIP, VIP_PREFIX, VRID, type Director } from '../vrrp-failover/lab.js';
import type { FailoverLab } from '../vrrp-failover/lab.js';
import type { EditableInstance, PairSettings } from './edits.js';

const AGENT_BIN = new URL('../../agent/bin/fleetlb-agent.js', import.meta.url).pathname;
const START_TIMEOUT_MS = 30_000;
export const SECOND_VIP = '192.0.2.101';
/** Between d1's and d2's signal: two directors never apply an edit at the same instant. */
const APPLY_SKEW_MS = 20;
const HOSTS: readonly Director[] = ['d1', 'd2'];

export interface EditablePair {
  readonly impl: 'fleetlb' | 'keepalived';
  start(settings: PairSettings): Promise<void>;
  /** Applies `settings`; resolves with the wall time d1 was signalled. */
  apply(settings: PairSettings): Promise<number>;
  /** State changes so far, on both directors. */
  transitions(): number;
  stop(): Promise<void>;
}

function vips(s: EditableInstance): Array<{ address: string; prefixLength: number }> {
  return [
    { address: VIP, prefixLength: s.prefixLength },
    ...(s.secondVip ? [{ address: SECOND_VIP, prefixLength: VIP_PREFIX }] : []),
  ];
}

export class FleetlbEditablePair implements EditablePair {
  readonly impl = 'fleetlb';
  private readonly agents: Partial<Record<Director, LabAgent>> = {};
  private revision = 1;

  constructor(
    private readonly fl: FailoverLab,
    private readonly version: VrrpVersion,
    private readonly advertIntervalCs: number,
    private readonly dir: string,
  ) {}

  async start(settings: PairSettings): Promise<void> {
    for (const host of HOSTS) {
      const path = this.write(host, settings[host], 1);
      const argv = [process.execPath, AGENT_BIN, '--desired', path, '--state-dir', this.dir];
      this.agents[host] = new LabAgent(host, this.fl.lab.spawn(argv, host));
    }
    await this.agents.d1!.waitForState(INSTANCE, 'master', START_TIMEOUT_MS);
    await this.agents.d2!.waitForState(INSTANCE, 'backup', START_TIMEOUT_MS);
  }

  async apply(settings: PairSettings): Promise<number> {
    this.revision += 1;
    let signalled = 0;
    for (const host of HOSTS) {
      this.write(host, settings[host], this.revision);
      if (host === 'd1') signalled = wallNow();
      this.agents[host]!.process.kill('SIGHUP');
      await sleep(APPLY_SKEW_MS);
    }
    const revision = this.revision;
    for (const host of HOSTS) {
      await this.agents[host]!.waitFor(
        (l) => l.msg === 'reloaded' && l.revision === revision,
        START_TIMEOUT_MS,
        `${host} reloads revision ${revision}`,
      );
    }
    return signalled;
  }

  transitions(): number {
    return HOSTS.reduce((n, h) => n + (this.agents[h]?.transitions(INSTANCE).length ?? 0), 0);
  }

  async stop(): Promise<void> {
    for (const agent of Object.values(this.agents)) {
      agent.process.kill('SIGTERM');
      await agent.waitFor(() => false, 5000, 'exit').catch(() => undefined);
    }
  }

  private write(host: Director, s: EditableInstance, revision: number): string {
    const { address, peer } = DIRECTORS[host];
    const instance: LabInstance = {
      name: INSTANCE,
      vrid: VRID,
      version: this.version,
      interface: 'eth0',
      advertIntervalCs: this.advertIntervalCs,
      priority: s.priority,
      preempt: s.preempt,
      preemptDelayS: s.preemptDelayS,
      ...(s.authPassword === undefined ? {} : { authPassword: s.authPassword }),
      unicast: true,
      unicastSource: address,
      unicastPeers: [peer],
      vips: vips(s),
    };
    const path = join(this.dir, `edits-${host}.json`);
    writeFileSync(
      path,
      JSON.stringify({ ...desiredDocument(host, address, [instance]), revision }),
    );
    return path;
  }
}

export class KeepalivedEditablePair implements EditablePair {
  readonly impl = 'keepalived';
  private readonly running: Partial<Record<Director, LabKeepalived>> = {};

  constructor(
    private readonly fl: FailoverLab,
    private readonly version: VrrpVersion,
    private readonly advertIntervalCs: number,
  ) {}

  async start(settings: PairSettings): Promise<void> {
    for (const host of HOSTS) {
      this.running[host] = startKeepalived(this.fl.lab, host, [
        this.instance(host, settings[host]),
      ]);
    }
    await this.running.d1!.waitForState(INSTANCE, 'MASTER', START_TIMEOUT_MS);
    await this.running.d2!.waitForState(INSTANCE, 'BACKUP', START_TIMEOUT_MS);
  }

  async apply(settings: PairSettings): Promise<number> {
    let signalled = 0;
    for (const host of HOSTS) {
      if (host === 'd1') signalled = wallNow();
      this.running[host]!.reload([this.instance(host, settings[host])]);
      await sleep(APPLY_SKEW_MS);
    }
    return signalled;
  }

  transitions(): number {
    return HOSTS.reduce(
      (n, h) => n + (this.running[h]?.events.filter((e) => e.instance === INSTANCE).length ?? 0),
      0,
    );
  }

  async stop(): Promise<void> {
    await Promise.all(Object.values(this.running).map((k) => k.stop('SIGTERM')));
  }

  private instance(host: Director, s: EditableInstance) {
    const { address, peer } = DIRECTORS[host];
    return {
      name: INSTANCE,
      vrid: VRID,
      version: this.version,
      interface: 'eth0',
      advertIntervalCs: this.advertIntervalCs,
      priority: s.priority,
      // keepalived ignores nopreempt unless the initial state is BACKUP (vrrp_parser.c).
      state: 'BACKUP' as const,
      nopreempt: !s.preempt,
      preemptDelayS: s.preemptDelayS,
      ...(s.authPassword === undefined ? {} : { authPassword: s.authPassword }),
      unicastSource: address,
      unicastPeers: [peer],
      vips: vips(s).map((v) => `${v.address}/${v.prefixLength}`),
    };
  }
}
