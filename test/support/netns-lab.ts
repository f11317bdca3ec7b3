/**
 * @module A private network lab for tests: a user + network + mount namespace made with
 * `unshare -Urnm`, holding named network namespaces ("hosts") joined by veth pairs to a bridge.
 * Nothing touches the host's network: the lab's namespaces, links and addresses disappear with
 * its holder process, which `stop()` kills, and which dies by itself with the process that
 * started it (it waits on a pipe from that process: no timer to outlive on a busy machine).
 *
 * Commands run through `nsenter` into the holder's namespaces, then `ip netns exec HOST` for a
 * host, so the test process itself stays outside and keeps its normal view of the machine.
 * Use TEST-NET addresses only (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32).
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { setPriority } from 'node:os';
import { prerequisite } from './tier.js';

export interface HostOptions {
  /** Addresses with prefix on the host's eth0, e.g. `192.0.2.11/24`, `2001:db8::11/64`. */
  addresses: readonly string[];
  /** eth0's MAC address; a stable one is derived from the host's position when omitted. */
  mac?: string;
  /** Bridge to join (default `br0`, created on first use). */
  bridge?: string;
}

export interface Host {
  name: string;
  /** The bridge-side veth end in the lab namespace (e.g. to cut the link). */
  bridgePort: string;
  mac: string;
  addresses: readonly string[];
}

const TOOLS = ['unshare', 'nsenter', 'ip'] as const;

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Whether a lab can run here, as a `test(..., { skip })` value: `false` to run, or the reason.
 * Throws in CI when something is missing (test/support/tier.ts). `extraTools` adds commands the
 * suite needs (keepalived, tshark).
 */
export function labPrerequisite(extraTools: readonly string[] = []): false | string {
  for (const tool of [...TOOLS, ...extraTools]) {
    const skip = prerequisite(hasCommand(tool), `${tool} is not installed`);
    if (skip) return skip;
  }
  const probe = spawnSync('unshare', ['-Urnm', 'true'], { stdio: 'ignore' });
  return prerequisite(probe.status === 0, 'cannot create user+net namespaces (unshare -Urnm)');
}

/**
 * Gives a daemon under test (a fleetlb agent, keepalived) nice -10, as a director runs its VRRP
 * daemon above other work (keepalived's `vrrp_priority`, a unit's `Nice=`): on a machine busy
 * with unrelated jobs a nice-0 daemon can wait seconds for a core, longer than a
 * Master_Down_Interval, and its peer then rightly takes over. Helpers it starts later inherit it.
 * The test process is outside the lab's user namespace and may do this; elsewhere it is skipped.
 */
export function prioritize(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, -10);
  } catch {
    // not permitted here: the daemon runs at its default priority
  }
}

export class NetnsLab {
  private readonly children = new Set<ChildProcess>();
  private hostCount = 0;
  private readonly bridges = new Set<string>();

  private constructor(
    private readonly holder: ChildProcess,
    readonly holderPid: number,
  ) {}

  /**
   * Starts the holder. It lives until `stop()` or until the process that started it is gone (its
   * stdin, a pipe from that process, reaches end of file), however long a loaded machine makes
   * the test take; with `lifetimeS` (benchmarks) it also exits after that many seconds.
   */
  static async start(lifetimeS?: number): Promise<NetnsLab> {
    const wait = lifetimeS === undefined ? 'read _' : `exec sleep ${lifetimeS}`;
    const script = `mkdir -p /run/netns && mount -t tmpfs lab /run/netns && echo ready && ${wait}`;
    const holder = spawn('unshare', ['-Urnm', '--propagation', 'private', 'sh', '-c', script], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const [chunk] = (await once(holder.stdout!, 'data')) as [Buffer];
    if (!chunk.toString().includes('ready') || holder.pid === undefined) {
      holder.kill('SIGKILL');
      throw new Error('netns lab holder did not start');
    }
    const lab = new NetnsLab(holder, holder.pid);
    lab.run(['ip', 'link', 'set', 'lo', 'up']);
    return lab;
  }

  /** The argv prefix that enters the lab, and then `host` when given. */
  prefix(host?: string): string[] {
    const enter = [
      'nsenter',
      '-t',
      String(this.holderPid),
      '-U',
      '-n',
      '-m',
      '--preserve-credentials',
    ];
    return host === undefined ? enter : [...enter, 'ip', 'netns', 'exec', host];
  }

  /** Runs a command to completion in the lab (or in `host`); throws with its stderr on failure. */
  run(argv: readonly string[], host?: string, input?: string): string {
    const [cmd, ...args] = [...this.prefix(host), ...argv];
    const result = spawnSync(cmd!, args, { encoding: 'utf8', input, timeout: 120_000 }); // a bound under load
    if (result.status !== 0) {
      throw new Error(
        `lab command failed (${result.status ?? result.signal}): ${argv.join(' ')}\n${result.stderr}`,
      );
    }
    return result.stdout;
  }

  /** Like `run` but returns the exit status and output instead of throwing. */
  tryRun(
    argv: readonly string[],
    host?: string,
  ): { status: number; stdout: string; stderr: string } {
    const [cmd, ...args] = [...this.prefix(host), ...argv];
    const result = spawnSync(cmd!, args, { encoding: 'utf8', timeout: 30_000 });
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** Starts a long-running process in the lab (or in `host`); `stop()` kills what is left. */
  spawn(argv: readonly string[], host?: string, options: SpawnOptions = {}): ChildProcess {
    const [cmd, ...args] = [...this.prefix(host), ...argv];
    const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  private ensureBridge(name: string): void {
    if (this.bridges.has(name)) return;
    this.run(['ip', 'link', 'add', name, 'type', 'bridge']);
    // No IGMP snooping or multicast querier: every port sees 224.0.0.18 / ff02::12.
    this.run(['ip', 'link', 'set', name, 'type', 'bridge', 'mcast_snooping', '0']);
    this.run(['ip', 'link', 'set', name, 'up']);
    this.bridges.add(name);
  }

  /** Adds a host namespace with eth0 on a bridge, addresses configured, links up. */
  addHost(name: string, options: HostOptions): Host {
    const index = ++this.hostCount;
    const bridge = options.bridge ?? 'br0';
    const mac = options.mac ?? `02:00:00:00:00:${index.toString(16).padStart(2, '0')}`;
    const bridgePort = `p-${name}`.slice(0, 15);
    this.ensureBridge(bridge);
    this.run(['ip', 'netns', 'add', name]);
    this.run([
      'ip',
      'link',
      'add',
      bridgePort,
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      name,
    ]);
    this.run(['ip', 'link', 'set', bridgePort, 'master', bridge, 'up']);
    this.run(['ip', 'link', 'set', 'lo', 'up'], name);
    this.run(['ip', 'link', 'set', 'eth0', 'address', mac], name);
    // No duplicate address detection: the link-local address is usable as soon as eth0 is up
    // (a tentative one cannot source VRRPv3 adverts; keepalived then fails with EINVAL).
    this.run(['sysctl', '-qw', 'net.ipv6.conf.eth0.accept_dad=0'], name);
    for (const address of options.addresses) {
      // nodad: IPv6 addresses are usable at once instead of after duplicate detection.
      const extra = address.includes(':') ? ['nodad'] : [];
      this.run(['ip', 'addr', 'add', address, 'dev', 'eth0', ...extra], name);
    }
    this.run(['ip', 'link', 'set', 'eth0', 'up'], name);
    return { name, bridgePort, mac, addresses: options.addresses };
  }

  /** The addresses on `host`'s `device` (without prefix), e.g. to see who holds a VIP. */
  addresses(host: string, device = 'eth0'): string[] {
    const out = this.run(['ip', '-o', 'addr', 'show', 'dev', device], host);
    return [...out.matchAll(/ inet6? ([0-9a-f.:]+)\//g)].map((m) => m[1]!);
  }

  /** Kills every process started with `spawn`, then the holder: the lab is gone. */
  async stop(): Promise<void> {
    const exits = [...this.children].map(async (child) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    });
    await Promise.all(exits);
    if (this.holder.exitCode === null && this.holder.signalCode === null) {
      this.holder.kill('SIGKILL');
      await once(this.holder, 'exit');
    }
  }
}
