/**
 * @module The IPVS connection-sync lab, run INSIDE the VM (test/vm/guest/ipvs-sync.guest.ts and
 * bench/ipvs-sync/guest.ts): one L2 segment (bridge `sy` in the guest's root namespace), a client,
 * two direct-routing real servers and two directors, each in its own namespace, so each director
 * has its own IPVS table and sync daemons (both are per network namespace). A director runs
 * fleetlb's agent from a keepalived.conf (`--keepalived-conf`) or keepalived itself from the
 * same file; a held TCP connection through the VIP says whether connections survive a crash of
 * the master, or its planned maintenance. A fleetlb master that is put in maintenance runs from
 * the desired-state document that keepalived.conf maps to (`--desired`, the same document), so
 * maintenance is `director.maintenance: true` in that file and a SIGHUP: the standalone path of
 * `fleetlb director maintenance` (the lab has no control plane; the API only writes the same
 * field into the document the agent pulls). A keepalived master is lowered to priority 1 in its
 * file and reloaded (SIGHUP), keepalived's way. TEST-NET-1 addresses only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DesiredState } from '../../../../contract/desired-state.js';
import { readKeepalivedConf } from '../../../../agent/runtime/keepalived-source.js';
import { LabAgent } from '../../../support/vrrp-lab.js';
import { children, fixture, lineReader, spawnIn } from './processes.js';
import { sh } from './site-lab.js';

export const VIP = '192.0.2.100';
export const ECHO_PORT = 7007;
export const CLIENT = { name: 'client', address: '192.0.2.2' };
export const DIRECTORS = [
  { name: 'lb1', address: '192.0.2.3', priority: 150 },
  { name: 'lb2', address: '192.0.2.4', priority: 100 },
] as const;
export const REAL_SERVERS = [
  { name: 'rs1', address: '192.0.2.11' },
  { name: 'rs2', address: '192.0.2.12' },
] as const;
export type DirectorName = (typeof DIRECTORS)[number]['name'];
export type Implementation = 'fleetlb' | 'keepalived';

export const ns = (name: string): string => `sy-${name}`;
const AGENT_BIN = new URL('../../../../agent/bin/fleetlb-agent.js', import.meta.url).pathname;
const dirOf = (name: string): string => `/tmp/sync-lab/${name}`;

const batch = (nsName: string | undefined, commands: readonly string[]): string =>
  `ip ${nsName ? `-n ${nsName} ` : ''}-batch - <<'EOF'\n${commands.join('\n')}\nEOF`;

/** A host on the segment: its namespace, a veth on the bridge, its address. */
function hostScript(name: string, address: string, extra: readonly string[] = []): string {
  return [
    `ip netns add ${ns(name)}`,
    batch(undefined, [
      `link add sy-${name} type veth peer name eth0 netns ${ns(name)}`,
      `link set sy-${name} master sy up`,
    ]),
    batch(ns(name), [
      'link set lo up',
      `addr add ${address}/24 dev eth0`,
      'link set eth0 up',
      ...extra,
    ]),
  ].join('\n');
}

/** The segment, the client and the real servers (once per VM). */
export async function buildSegment(): Promise<void> {
  // Direct routing: the real servers hold the VIP on lo and never answer ARP for it.
  const arp = 'net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2';
  await sh(
    [
      'set -e',
      'modprobe ip_vs',
      'ip link add sy type bridge mcast_snooping 0',
      'ip link set sy up',
      hostScript(CLIENT.name, CLIENT.address),
      ...REAL_SERVERS.map((r) =>
        [
          hostScript(r.name, r.address, [`addr add ${VIP}/32 dev lo`]),
          `ip netns exec ${ns(r.name)} sysctl -qw ${arp}`,
        ].join('\n'),
      ),
    ].join('\n'),
  );
}

/** A director's namespace, fresh: a new IPVS table, no sync daemon, its link up. */
export async function buildDirector(name: DirectorName): Promise<void> {
  const d = DIRECTORS.find((x) => x.name === name)!;
  // A process left in the old namespace (a killed agent's watcher) keeps it, and its veth,
  // alive: kill what is left, and delete the veth from the bridge's side.
  await sh(
    [
      `ip netns pids ${ns(name)} 2>/dev/null | xargs -r kill -9`,
      `ip netns del ${ns(name)} 2>/dev/null || true`,
      `ip link del sy-${name} 2>/dev/null || true`,
      hostScript(name, d.address),
    ].join('\n'),
  );
  // Let the old veth's peer disappear from the bridge before the new one is used.
  await sleep(100);
}

/** The keepalived.conf both implementations run: one instance, one DR virtual server. */
export function keepalivedConf(name: DirectorName, sync: boolean, priority?: number): string {
  const d = DIRECTORS.find((x) => x.name === name)!;
  const realServers = REAL_SERVERS.map(
    (r) => `    real_server ${r.address} ${ECHO_PORT} {
        weight 1
        TCP_CHECK {
            connect_timeout 2
        }
    }`,
  ).join('\n');
  return `global_defs {
    router_id ${name}
${sync ? '    lvs_sync_daemon eth0 VI_1\n' : ''}}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${priority ?? d.priority}
    advert_int 1
    virtual_ipaddress {
        ${VIP}/32
    }
}
virtual_server ${VIP} ${ECHO_PORT} {
    delay_loop 2
    lb_algo rr
    lb_kind DR
    protocol TCP
${realServers}
}
`;
}

/** A running director: fleetlb's agent (and its guard) or keepalived (and its children). */
export interface LabDirector {
  name: DirectorName;
  implementation: Implementation;
  process: ChildProcess;
  log: string[];
  /** Every process that must die for an unplanned crash (SIGKILL, all at once). */
  pids(): number[];
  /**
   * Planned maintenance, resolved with the wall time of the reload signal: fleetlb's
   * `director.maintenance: true` in its `--desired` file (written to a temporary file and
   * renamed over it), keepalived's priority lowered to 1 in its file; then SIGHUP.
   */
  maintenance(): Promise<number>;
}

/** Starts `implementation` on `name` from keepalivedConf(name, sync), in a fresh namespace. */
export async function startDirector(
  name: DirectorName,
  implementation: Implementation,
  sync: boolean,
  desiredMode = false,
): Promise<LabDirector> {
  await buildDirector(name);
  const dir = `${dirOf(name)}/${Date.now()}`;
  mkdirSync(`${dir}/state`, { recursive: true });
  const conf = `${dir}/keepalived.conf`;
  writeFileSync(conf, keepalivedConf(name, sync));
  // fleetlb runs from the document its keepalived.conf maps to, as a `--desired` file, when it
  // may be put in maintenance (a keepalived.conf has no such setting).
  const desired = `${dir}/desired.json`;
  const document = desiredMode && implementation === 'fleetlb' ? desiredDocument(conf) : undefined;
  if (document) writeFileSync(desired, JSON.stringify(document));
  const source = document ? ['--desired', desired] : ['--keepalived-conf', conf];
  const argv =
    implementation === 'fleetlb'
      ? [process.execPath, AGENT_BIN, ...source, '--state-dir', `${dir}/state`]
      : [
          ...['keepalived', '--dont-fork', '--log-console', '--no-syslog', '--use-file', conf],
          ...['--pid', `${dir}/keepalived.pid`, '--vrrp_pid', `${dir}/vrrp.pid`],
          ...['--checkers_pid', `${dir}/checkers.pid`],
        ];
  const child = spawn('ip', ['netns', 'exec', ns(name), ...argv], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const log: string[] = [];
  const agent = implementation === 'fleetlb' ? new LabAgent(name, child) : undefined;
  if (!agent) {
    createInterface({ input: child.stdout! }).on('line', (l) => log.push(l));
    createInterface({ input: child.stderr! }).on('line', (l) => log.push(l));
  }
  const pidFile = (file: string) => Number(readFileSync(`${dir}/${file}`, 'utf8').trim());
  return {
    name,
    implementation,
    process: child,
    get log() {
      return agent ? [...agent.lines.map((l) => JSON.stringify(l)), ...agent.stderr] : log;
    },
    pids: () => {
      if (agent) {
        const started = agent.lines.find((l) => l.msg === 'fleetlb-agent started');
        const guard = started?.guardPid;
        return [child.pid!, ...(typeof guard === 'number' ? [guard] : [])];
      }
      return [pidFile('vrrp.pid'), pidFile('checkers.pid'), pidFile('keepalived.pid')];
    },
    maintenance: async () => {
      if (implementation === 'fleetlb') {
        if (!document) throw new Error(`${name} runs from a keepalived.conf: no maintenance`);
        const next = {
          ...document,
          revision: document.revision + 1,
          director: { ...document.director, maintenance: true },
        };
        writeFileSync(`${desired}.new`, JSON.stringify(next));
        renameSync(`${desired}.new`, desired);
        const at = Date.now();
        process.kill(child.pid!, 'SIGHUP');
        return at;
      }
      writeFileSync(`${conf}.new`, keepalivedConf(name, sync, 1));
      renameSync(`${conf}.new`, conf);
      const at = Date.now();
      process.kill(pidFile('keepalived.pid'), 'SIGHUP');
      return at;
    },
  };
}

/** The desired-state document `conf` maps to, as `--keepalived-conf` would run it. */
function desiredDocument(conf: string): DesiredState {
  const read = readKeepalivedConf(conf, { site: 'standalone' });
  if (!read.check.ok) throw new Error(`${conf}: ${read.check.problems.join('; ')}`);
  return read.check.document;
}

/** Runs a command in a namespace and returns its stdout. */
export const inNs = (name: string, command: string): Promise<string> =>
  sh(`ip netns exec ${ns(name)} ${command}`);

/** Whether `name` holds the VIP (its VRRP master). */
export async function holdsVip(name: string): Promise<boolean> {
  return (await sh(`ip -n ${ns(name)} -o addr show dev eth0`)).includes(` ${VIP}/32 `);
}

/** The connection entries of `name`'s IPVS table for the client (`ipvsadm -Lnc`). */
export async function connectionsOf(name: string): Promise<string[]> {
  const text = await inNs(name, 'ipvsadm -Lnc');
  return text.split('\n').filter((l) => l.includes(`${CLIENT.address}:`));
}

/** The running sync daemons of `name` (`ipvsadm -L --daemon`). */
export async function daemonsOf(name: string): Promise<string> {
  return inNs(name, 'ipvsadm -L --daemon');
}

/** Polls `probe` every `everyMs` until it holds; resolves with the wall time it first held. */
export async function until(
  probe: () => Promise<boolean>,
  what: string,
  timeoutMs: number,
  everyMs = 50,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return Date.now();
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/**
 * The crash of a director: SIGKILL to all its processes at once (no resignation: fleetlb's guard
 * dies with the agent, keepalived's children with their parent), then its link down, so neither
 * its adverts nor its kernel answer any more. Resolves with the wall time of the kill.
 */
export async function crash(director: LabDirector): Promise<number> {
  const pids = director.pids();
  const at = Date.now();
  await sh(`kill -9 ${pids.join(' ')}; ip -n ${ns(director.name)} link set eth0 down`);
  return at;
}

export async function stop(director: LabDirector): Promise<void> {
  if (director.process.exitCode !== null || director.process.signalCode !== null) return;
  await sh(`kill -9 ${director.pids().join(' ')} 2>/dev/null || true`);
}

/** A real server: the echo fixture answering `<name> <line>`. */
export async function startRealServers(ttlMs: number): Promise<void> {
  for (const r of REAL_SERVERS) {
    const args = ['--name', r.name, '--http', '8080', '--echo', `${ECHO_PORT}`];
    const child = spawnIn(
      ns(r.name),
      'backend.mjs',
      [...args, '--ttl', `${ttlMs}`],
      ttlMs + 10_000,
    );
    const ready = await lineReader(child, `backend ${r.name}`)(60_000);
    if (ready !== `ready ${r.name}`) throw new Error(`backend ${r.name}: ${ready}`);
  }
}

export interface TickerEvent {
  event: 'connected' | 'reply' | 'error' | 'closed';
  t: number;
  text?: string;
  message?: string;
}

/** One TCP connection from the client through the VIP, a line every 100 ms (fixtures/ticker.mjs). */
export class Ticker {
  readonly events: TickerEvent[] = [];
  private readonly child: ChildProcess;

  constructor(intervalMs = 100) {
    const argv = ['netns', 'exec', ns(CLIENT.name), process.execPath, fixture('ticker.mjs')];
    this.child = spawn('ip', [...argv, VIP, `${ECHO_PORT}`, `${intervalMs}`], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.add(this.child);
    this.child.once('exit', () => children.delete(this.child));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as TickerEvent);
      } catch {
        // not ours
      }
    });
  }

  replies(after = 0): TickerEvent[] {
    return this.events.filter((e) => e.event === 'reply' && e.t >= after);
  }

  /** The real servers that answered since `after` (the echo's first word). */
  servers(after = 0): string[] {
    return [...new Set(this.replies(after).map((e) => e.text!.split(' ')[0]!))];
  }

  /** An error or close, if the connection ended. */
  ended(): TickerEvent | undefined {
    return this.events.find((e) => e.event === 'error' || e.event === 'closed');
  }

  /** Waits for `count` replies after `after`, or the end of the connection. */
  async waitReplies(count: number, after: number, timeoutMs: number): Promise<void> {
    await until(
      async () => this.ended() !== undefined || this.replies(after).length >= count,
      `${count} replies`,
      timeoutMs,
      100,
    );
  }

  /** The longest gap between consecutive replies around `at` (the last one before it onwards). */
  stallMs(at: number): number {
    const times = this.events.filter((e) => e.event === 'reply').map((e) => e.t);
    const from = times.filter((t) => t < at).at(-1) ?? at;
    const after = times.filter((t) => t >= from);
    let worst = 0;
    for (let i = 1; i < after.length; i++) worst = Math.max(worst, after[i]! - after[i - 1]!);
    return worst;
  }

  close(): void {
    this.child.stdin!.end();
  }
}

/** How the master hands over: an unplanned crash, or planned maintenance. */
export type Handover = 'crash' | 'maintenance';

/** What one takeover did to the held connection. */
export interface FailoverTrial {
  master: Implementation;
  backup: Implementation;
  sync: boolean;
  handover: Handover;
  /** The connection still exchanged lines after the takeover, without an error or close. */
  survived: boolean;
  /** Why it did not (the client's socket error, e.g. ECONNRESET). */
  ended?: string;
  /** lb1 still holds the VIP after the takeover (after maintenance it must not, 30 s later). */
  formerMasterHoldsVip: boolean;
  /**
   * Maintenance: lb2's VIP addition until lb1's removal, as `ip -ts monitor` read the kernel's
   * events (make before break: about Skew_Time plus one advert interval; negative would be a
   * moment with no holder).
   */
  overlapMs?: number;
  /** The real server before, and the ones that answered after the takeover. */
  serverBefore: string;
  serversAfter: string[];
  /**
   * The crash (or the maintenance reload signal) until the kernel added the VIP on the backup
   * (`ip -ts monitor address`).
   */
  takeoverMs: number;
  /** The longest gap between two replies from the last one before the handover on. */
  stallMs: number;
  /** Connection entries for the client in each director's IPVS table before the crash. */
  masterConnections: number;
  backupConnections: number;
  /** `ipvsadm -Lnc` of the backup before the crash. */
  backupTable: string[];
}

/** Bounds under emulation: a cold agent start has taken over a minute. */
const START_MS = 240_000;

/**
 * lb1 (`master`, priority 150) and lb2 (`backup`) from the same keepalived.conf, a connection
 * held through lb1, lb1 crashed (or put in maintenance), the connection watched through lb2.
 */
export async function failoverTrial(
  master: Implementation,
  backup: Implementation,
  sync: boolean,
  handover: Handover = 'crash',
): Promise<FailoverTrial> {
  const lb1 = await startDirector('lb1', master, sync, handover === 'maintenance');
  const lb2 = await startDirector('lb2', backup, sync);
  const ticker: { current?: Ticker } = {};
  try {
    const programmed = async (name: string) =>
      (await inNs(name, 'ipvsadm -Ln')).includes(`-> ${REAL_SERVERS[0].address}:${ECHO_PORT}`);
    const daemon = async (name: string, role: string) =>
      !sync || new RegExp(`^${role} sync daemon`, 'm').test(await daemonsOf(name));
    await until(
      async () =>
        (await holdsVip('lb1')) && (await programmed('lb1')) && (await daemon('lb1', 'master')),
      `lb1 (${master}) master with its virtual server${sync ? ' and master sync daemon' : ''}`,
      START_MS,
      500,
    );
    await until(
      async () =>
        (await programmed('lb2')) && (await daemon('lb2', 'backup')) && !(await holdsVip('lb2')),
      `lb2 (${backup}) backup with its virtual server${sync ? ' and backup sync daemon' : ''}`,
      START_MS,
      500,
    );
    const held = (ticker.current = new Ticker());
    await held.waitReplies(5, 0, 60_000);
    if (held.ended())
      throw new Error(`the connection ended at once: ${JSON.stringify(held.ended())}`);
    if (sync)
      await until(
        async () => (await connectionsOf('lb2')).length > 0,
        'the backup holds the synced connection',
        60_000,
        250,
      );
    else await sleep(3_000); // as long as a sync would take: the control's backup stays empty
    const masterConnections = (await connectionsOf('lb1')).length;
    const backupTable = await connectionsOf('lb2');
    const serverBefore = held.servers().at(-1)!;
    const monitor = new AddressMonitor('lb2');
    const release = handover === 'maintenance' ? new AddressMonitor('lb1') : undefined;
    const handedOverAt = handover === 'crash' ? await crash(lb1) : await lb1.maintenance();
    const polled = await until(() => holdsVip('lb2'), 'lb2 holds the VIP', 60_000);
    // The kernel's own event, stamped by `ip -ts monitor` as it read it: polling `ip addr`
    // under emulation lags by seconds.
    const tookOver = (await monitor.vipEvent('added', 2_000)) ?? polled;
    monitor.stop();
    await held.waitReplies(10, tookOver, 30_000);
    const end = held.ended();
    // Make before break: lb1 gives the VIP up once lb2 has advertised twice.
    const formerMasterHoldsVip =
      handover === 'crash'
        ? false
        : await until(async () => !(await holdsVip('lb1')), 'lb1 gives the VIP up', 30_000).then(
            () => false,
            () => true,
          );
    const releasedAt = await release?.vipEvent('deleted', 2_000);
    release?.stop();
    return {
      master,
      backup,
      sync,
      handover,
      survived: end === undefined && held.replies(tookOver).length >= 10,
      ...(end ? { ended: end.message ?? end.event } : {}),
      serverBefore,
      serversAfter: held.servers(tookOver),
      formerMasterHoldsVip,
      ...(releasedAt === undefined ? {} : { overlapMs: releasedAt - tookOver }),
      takeoverMs: tookOver - handedOverAt,
      stallMs: held.stallMs(handedOverAt),
      masterConnections,
      backupConnections: backupTable.length,
      backupTable,
    };
  } catch (error) {
    const logs = [lb1, lb2].map(
      (d) => `--- ${d.name} (${d.implementation}):\n${d.log.slice(-25).join('\n')}`,
    );
    throw new Error(`${(error as Error).message}\n${logs.join('\n')}`, { cause: error });
  } finally {
    ticker.current?.close();
    await Promise.all([stop(lb1), stop(lb2)]);
    saveLog(lb1);
    saveLog(lb2);
  }
}

/** `ip -ts -o monitor address` in a namespace: when the VIP was added there. */
class AddressMonitor {
  private readonly child: ChildProcess;
  private readonly lines: string[] = [];

  constructor(name: string) {
    this.child = spawn('ip', ['-n', ns(name), '-ts', '-o', 'monitor', 'address'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    children.add(this.child);
    this.child.once('exit', () => children.delete(this.child));
    createInterface({ input: this.child.stdout! }).on('line', (l) => this.lines.push(l));
  }

  /** The wall time of the VIP's addition or removal (`[2026-…T00:00:00.123456] 2: eth0 inet …`). */
  async vipEvent(kind: 'added' | 'deleted', waitMs: number): Promise<number | undefined> {
    const find = () =>
      this.lines.find(
        (l) => l.includes(` ${VIP}/32 `) && l.includes('Deleted') === (kind === 'deleted'),
      );
    await until(async () => find() !== undefined, 'the VIP event', waitMs).catch(() => {});
    const stamp = /^\[([^\]]+)\]/.exec(find() ?? '')?.[1];
    const ms = stamp === undefined ? NaN : Date.parse(stamp.slice(0, 23));
    return Number.isFinite(ms) ? ms : undefined;
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}

let saved = 0;
/** A director's log into the results share (seen on the host under .cache/vm/runs/). */
function saveLog(director: LabDirector): void {
  const results = process.env.FLEETLB_VM_RESULTS;
  if (results === undefined) return;
  writeFileSync(
    `${results}/sync-${saved++}-${director.name}-${director.implementation}.log`,
    `${director.log.join('\n')}\n`,
  );
}
