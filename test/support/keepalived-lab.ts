/**
 * @module keepalived as a VRRP peer in a network lab (netns-lab.ts): a keepalived.conf for a lab
 * host, `keepalived --vrrp` started in the host's namespace, and its state read from the notify
 * fifo (`vrrp_notify_fifo`, lines like `INSTANCE "VI_1" MASTER 150`), which the test process
 * reads directly (the fifo lives on the shared filesystem), stamping each line with a wall clock.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { constants, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { prioritize, type NetnsLab } from './netns-lab.js';

export interface KeepalivedInstance {
  name: string;
  vrid: number;
  version: 2 | 3;
  interface: string;
  advertIntervalCs: number;
  priority: number;
  state?: 'MASTER' | 'BACKUP';
  nopreempt?: boolean;
  preemptDelayS?: number;
  authPassword?: string;
  unicastSource?: string;
  unicastPeers?: string[];
  /** 'address/prefixLength' */
  vips: string[];
}

/** keepalived.conf for one host: a `global_defs` with the notify fifo, then the instances. */
export function keepalivedConfig(
  routerId: string,
  instances: KeepalivedInstance[],
  fifoPath: string,
): string {
  const lines = ['global_defs {', `  router_id ${routerId}`, `  vrrp_notify_fifo ${fifoPath}`, '}'];
  for (const i of instances) {
    lines.push(`vrrp_instance ${i.name} {`);
    lines.push(`  state ${i.state ?? 'BACKUP'}`, `  interface ${i.interface}`);
    lines.push(`  virtual_router_id ${i.vrid}`, `  priority ${i.priority}`);
    lines.push(`  advert_int ${i.advertIntervalCs / 100}`, `  version ${i.version}`);
    if (i.nopreempt) lines.push('  nopreempt');
    if (i.preemptDelayS !== undefined) lines.push(`  preempt_delay ${i.preemptDelayS}`);
    if (i.authPassword !== undefined)
      lines.push(`  authentication {\n    auth_type PASS\n    auth_pass ${i.authPassword}\n  }`);
    if (i.unicastSource !== undefined) lines.push(`  unicast_src_ip ${i.unicastSource}`);
    if (i.unicastPeers?.length)
      lines.push('  unicast_peer {', ...i.unicastPeers.map((p) => `    ${p}`), '  }');
    const vips = i.vips.map((v) => `    ${v} dev ${i.interface}`);
    lines.push('  virtual_ipaddress {', ...vips, '  }', '}');
  }
  return `${lines.join('\n')}\n`;
}

/** One notify-fifo line: `INSTANCE "name" STATE priority`, stamped when read. */
export type KeepalivedEvent = { instance: string; state: string; priority: number; wallMs: number };

const wallNow = (): number => performance.timeOrigin + performance.now();
const FIFO_LINE = /^INSTANCE "([^"]+)" (\S+) (\d+)/;

/** Whether `pid` runs (a zombie, reaped later by whoever inherited it, counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/s.test(stat);
  } catch {
    return false;
  }
}

/** A running keepalived (parent + VRRP child) in a lab host, with its fifo events collected. */
export class LabKeepalived {
  readonly events: KeepalivedEvent[] = [];
  private readonly log: string[] = [];
  private waiters: Array<() => void> = [];
  private readonly fifo: Socket;

  constructor(
    readonly host: string,
    readonly process: ChildProcess,
    private readonly dir: string,
    private readonly fifoPath: string,
  ) {
    prioritize(process.pid); // its VRRP child, forked at start-up, inherits it
    // O_RDWR: opening never blocks and the fifo never reports EOF between writers.
    const fd = openSync(fifoPath, constants.O_RDWR | constants.O_NONBLOCK);
    this.fifo = new Socket({ fd, readable: true, writable: false });
    createInterface({ input: this.fifo }).on('line', (text) => {
      const [, instance = '', state = '', priority] = FIFO_LINE.exec(text) ?? [];
      if (priority !== undefined)
        this.events.push({ instance, state, priority: Number(priority), wallMs: wallNow() });
      this.wake();
    });
    for (const stream of [process.stdout!, process.stderr!]) {
      createInterface({ input: stream }).on('line', (text) => {
        this.log.push(text);
        if (this.log.length > 400) this.log.shift();
      });
    }
    process.once('exit', () => this.wake());
  }

  /** The parent process (keepalived's --pid file; the spawned process otherwise). */
  get pid(): number {
    return this.readPid('keepalived.pid') ?? this.process.pid!;
  }

  /** The VRRP child (keepalived's --vrrp_pid file), once it has started. */
  vrrpPid = (): number | undefined => this.readPid('vrrp.pid');

  /** The instance's last state per the fifo ('INIT' before the first line). */
  state(instance: string): string {
    return this.events.filter((e) => e.instance === instance).at(-1)?.state ?? 'INIT';
  }

  /** Resolves with the first `state` line for `instance` stamped at or after `afterWallMs`. */
  async waitForState(
    instance: string,
    state: 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP',
    timeoutMs: number,
    afterWallMs = 0,
  ): Promise<{ state: string; wallMs: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(
        (e) => e.instance === instance && e.state === state && e.wallMs >= afterWallMs,
      );
      if (found) return { state: found.state, wallMs: found.wallMs };
      const left = deadline - Date.now();
      if (left <= 0 || (this.process.exitCode ?? this.process.signalCode) !== null)
        throw new Error(`${this.host}: keepalived ${instance} never ${state}:\n${this.tail()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  /**
   * Rewrites keepalived.conf with `instances` and sends SIGHUP: keepalived reloads it (its
   * `reload_config_file`), keeping the state of instances it finds again.
   */
  reload(instances: KeepalivedInstance[]): void {
    writeFileSync(
      join(this.dir, 'keepalived.conf'),
      keepalivedConfig(this.host, instances, this.fifoPath),
    );
    process.kill(this.pid, 'SIGHUP');
  }

  /** The last `n` lines keepalived logged (`Infinity`: all kept, up to 400). */
  tail(n = 30): string {
    return this.log.slice(-n).join('\n');
  }

  /**
   * SIGTERM (default): the parent stops the VRRP child, which resigns (priority 0) and removes
   * its VIPs. SIGKILL: both processes, the child first with the parent stopped (a child killed
   * alone is respawned, a parent killed alone makes the child resign); the VIPs stay behind, as
   * in a real crash.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.vrrpPid();
    const parent = this.pid;
    if (this.process.exitCode === null && this.process.signalCode === null) {
      if (signal === 'SIGKILL' && child !== undefined && alive(child)) {
        process.kill(parent, 'SIGSTOP'); // so that it cannot respawn the child in between
        process.kill(child, signal);
      }
      process.kill(parent, signal);
      await once(this.process, 'exit');
    }
    for (const deadline = Date.now() + 10_000; child !== undefined && alive(child);) {
      if (Date.now() > deadline) process.kill(child, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 20));
    }
    this.fifo.destroy();
  }

  private readPid(file: string): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.dir, file), 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** Starts `keepalived --vrrp` in `host` with `instances` (router_id = host). */
export function startKeepalived(
  lab: NetnsLab,
  host: string,
  instances: KeepalivedInstance[],
): LabKeepalived {
  const dir = mkdtempSync(join(tmpdir(), `keepalived-${host}-`));
  const fifo = join(dir, 'notify.fifo');
  execFileSync('mkfifo', [fifo]);
  const conf = join(dir, 'keepalived.conf');
  writeFileSync(conf, keepalivedConfig(host, instances, fifo));
  const argv = ['keepalived', '--vrrp', '--dont-fork', '--log-console', '--log-detail'];
  argv.push('--no-syslog', '--use-file', conf, '--pid', join(dir, 'keepalived.pid'), '--vrrp_pid');
  argv.push(join(dir, 'vrrp.pid'));
  return new LabKeepalived(host, lab.spawn(argv, host), dir, fifo);
}
