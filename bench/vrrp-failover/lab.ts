/**
 * @module The failover benchmark's lab (bench/README.md, "VRRP failover"), the same for fleetlb
 * and keepalived: directors d1 (priority 150) and d2 (priority 100) and an observer obs on the
 * bridge br0 of a private namespace lab (test/support/netns-lab.ts), VIP 192.0.2.100/24, VRID 51,
 * unicast adverts. The lab holds the measuring instruments for the whole run: tshark on br0,
 * `ip monitor` in d1 and d2, and the ARP prober in obs. IPv6 is off in every host so nothing but
 * VRRP and ARP for TEST-NET-1 is sent.
 */
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { masterDownIntervalMs, skewTimeMs } from '../../agent/core/vrrp/timing.js';
import { NetnsLab } from '../../test/support/netns-lab.js';
import { AddressMonitor, sleep, until, WireCapture, type Frame } from './capture.js';

export const VIP = '192.0.2.100';
export const VIP_PREFIX = 24;
export const VRID = 51;
export const INSTANCE = 'vi_1';

export const DIRECTORS = {
  d1: { address: '192.0.2.11', mac: '02:00:00:c0:02:0b', priority: 150, peer: '192.0.2.12' },
  d2: { address: '192.0.2.12', mac: '02:00:00:c0:02:0c', priority: 100, peer: '192.0.2.11' },
} as const;
export type Director = keyof typeof DIRECTORS;
const OBS = { address: '192.0.2.50', mac: '02:00:00:c0:02:32' };

/** The timers of one benchmark configuration, seen from the backup d2. */
export interface Timers {
  version: 2 | 3;
  advertIntervalCs: number;
  advMs: number;
  /** d2's Skew_Time. */
  skewMs: number;
  /** d2's Master_Down_Interval. */
  masterDownMs: number;
}

/** VRRPv2 at 1 s, VRRPv3 at 0.1 s (the benchmark's two configurations). */
export function timersFor(version: 2 | 3): Timers {
  const advertIntervalCs = version === 2 ? 100 : 10;
  const { priority } = DIRECTORS.d2;
  return {
    version,
    advertIntervalCs,
    advMs: advertIntervalCs * 10,
    skewMs: skewTimeMs(version, priority, advertIntervalCs),
    masterDownMs: masterDownIntervalMs(version, priority, advertIntervalCs),
  };
}

const PROBE = fileURLToPath(new URL('./arp-probe.ts', import.meta.url));

export class FailoverLab {
  private constructor(
    readonly lab: NetnsLab,
    readonly wire: WireCapture,
    readonly monitors: Record<Director, AddressMonitor>,
    private readonly prober: ChildProcess,
    private readonly probeSent: number[],
  ) {}

  static async start(lifetimeS: number): Promise<FailoverLab> {
    const lab = await NetnsLab.start(lifetimeS);
    try {
      for (const [name, host] of [...Object.entries(DIRECTORS), ['obs', OBS] as const]) {
        lab.addHost(name, { addresses: [`${host.address}/24`], mac: host.mac });
        lab.tryRun(['sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1'], name);
      }
      lab.run(['ip', 'link', 'set', 'br0', 'multicast', 'off']);
      const monitors = { d1: new AddressMonitor('d1', lab), d2: new AddressMonitor('d2', lab) };
      const wire = await WireCapture.start(lab);
      const argv = [process.execPath, '--import', import.meta.resolve('tsx'), PROBE, OBS.address];
      const prober = lab.spawn(argv, 'obs', { stdio: ['pipe', 'pipe', 'inherit'] });
      const sent: number[] = [];
      const lines = createInterface({ input: prober.stdout! });
      lines.on('line', (l) => l.startsWith('sent ') && sent.push(Number(l.slice(5))));
      await once(lines, 'line');
      const fl = new FailoverLab(lab, wire, monitors, prober, sent);
      await fl.checkInstruments();
      return fl;
    } catch (error) {
      await lab.stop();
      throw error;
    }
  }

  /** Whether `host` holds the VIP now (`ip -o addr`). */
  vipOn(host: Director): boolean {
    return this.lab.addresses(host).includes(VIP);
  }

  /** Sends an ARP who-has for the VIP from obs; resolves with the wall time it was sent. */
  async sendArpProbe(): Promise<number | undefined> {
    const count = this.probeSent.length;
    this.prober.stdin!.write(`${VIP}\n`);
    return until(() => this.probeSent[count], 2000);
  }

  /** Sends an ARP who-has for the VIP from obs with `sender` as its sender address, at once. */
  probeFrom(sender: string): void {
    this.prober.stdin!.write(`${VIP} ${sender}\n`);
  }

  /** The director whose MAC address is `mac`, if any. */
  directorOf(mac: string): Director | undefined {
    return (Object.keys(DIRECTORS) as Director[]).find((d) => DIRECTORS[d].mac === mac);
  }

  /**
   * Who answered the probe sent at `sentAt` (host and ms after the request on the wire): replies
   * within 100 ms. Call it a while later: tshark hands frames over in batches, so the replies
   * can show up long after the request when little else is on the wire.
   */
  async arpRepliers(sentAt: number | undefined): Promise<string[]> {
    if (sentAt === undefined) return ['probe-failed'];
    const isRequest = (f: Frame) => f.ethSrc === OBS.mac && f.arpOp === 1 && f.arpTarget === VIP;
    const request = await until(() => this.wire.first(sentAt - 5, isRequest), 5000);
    if (request === undefined) return ['request-not-captured'];
    const from = request.wallMs;
    const replies = this.wire.frames.filter(
      (f) => f.wallMs >= from && f.wallMs < from + 100 && f.arpOp === 2 && f.arpSender === VIP,
    );
    const name = (mac: string) => this.directorOf(mac) ?? mac;
    return replies.map((r) => `${name(r.ethSrc)}@${(r.wallMs - from).toFixed(1)}`);
  }

  /** A test address added and removed in d1 and d2: the monitors and tshark see the lab. */
  private async checkInstruments(): Promise<void> {
    for (const host of ['d1', 'd2'] as const) {
      const before = performance.timeOrigin + performance.now();
      this.lab.run(['ip', 'addr', 'add', '192.0.2.200/32', 'dev', 'eth0'], host);
      this.lab.run(['ip', 'addr', 'del', '192.0.2.200/32', 'dev', 'eth0'], host);
      const seen = await until(() => this.monitors[host].first(before, '192.0.2.200', true), 5000);
      if (!seen) throw new Error(`ip monitor in ${host} saw nothing`);
      if (Math.abs(seen.wallMs - before) > 1000)
        throw new Error(`ip monitor in ${host}: clock off by ${seen.wallMs - before} ms`);
    }
    const sentAt = await this.sendArpProbe();
    await sleep(1500);
    const replies = await this.arpRepliers(sentAt);
    if (replies.length > 0) throw new Error(`ARP probe before any VIP: ${replies.join(', ')}`);
  }

  async stop(): Promise<void> {
    this.prober.stdin!.end();
    this.wire.stop();
    await Promise.race([once(this.wire.process, 'exit'), sleep(2000)]);
    await this.lab.stop();
  }
}
