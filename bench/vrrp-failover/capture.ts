/**
 * @module The benchmark's two clocks on the lab: tshark on the bridge (VRRP adverts and ARP,
 * stamped by the kernel at capture, `frame.time_epoch`) and `ip -ts -o monitor address` in a
 * host (each netlink address event stamped with the wall clock when `ip` reads it). Both run for
 * the whole benchmark and collect events as they arrive; every time is wall-clock milliseconds
 * since the epoch, the clock of `performance.timeOrigin + performance.now()`.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { NetnsLab } from '../../test/support/netns-lab.js';

export const wallNow = (): number => performance.timeOrigin + performance.now();
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` every 5 ms until it returns a value; undefined after `timeoutMs`. */
export async function until<T>(
  probe: () => T | undefined,
  timeoutMs: number,
): Promise<T | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined || performance.now() > deadline) return value;
    await sleep(5);
  }
}

/** One captured frame: a VRRP advert (`prio` set) or an ARP packet (`arpOp` set). */
export interface Frame {
  wallMs: number;
  ethSrc: string;
  ipSrc?: string;
  prio?: number;
  /** 1 request, 2 reply. */
  arpOp?: number;
  arpSender?: string;
  arpTarget?: string;
}

const FIELDS = [
  'frame.time_epoch',
  'eth.src',
  'ip.src',
  'vrrp.prio',
  'arp.opcode',
  'arp.src.proto_ipv4',
  'arp.dst.proto_ipv4',
];

/** tshark on `br0` (promiscuous: the bridge passes every forwarded frame up to it). */
export class WireCapture {
  readonly frames: Frame[] = [];
  private stderr = '';

  private constructor(readonly process: ChildProcess) {
    process.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    createInterface({ input: process.stdout! }).on('line', (line) => {
      const [time, ethSrc, ipSrc, prio, arpOp, arpSender, arpTarget] = line.split('|');
      const frame: Frame = { wallMs: Number(time) * 1000, ethSrc: ethSrc ?? '' };
      if (ipSrc) frame.ipSrc = ipSrc;
      if (prio) frame.prio = Number(prio);
      if (arpOp) frame.arpOp = Number(arpOp);
      if (arpSender) frame.arpSender = arpSender;
      if (arpTarget) frame.arpTarget = arpTarget;
      this.frames.push(frame);
    });
  }

  static async start(lab: NetnsLab): Promise<WireCapture> {
    const argv = ['tshark', '-i', 'br0', '-l', '-n', '-T', 'fields', '-E', 'separator=|'];
    argv.push('-f', 'ip proto 112 or arp', ...FIELDS.flatMap((f) => ['-e', f]));
    const capture = new WireCapture(lab.spawn(argv));
    const started = await until(() => capture.stderr.includes('Capturing on') || undefined, 20_000);
    if (!started) throw new Error(`tshark did not start:\n${capture.stderr}`);
    return capture;
  }

  /** The first frame at or after `fromMs` matching `predicate`. */
  first(fromMs: number, predicate: (f: Frame) => boolean): Frame | undefined {
    return this.frames.find((f) => f.wallMs >= fromMs && predicate(f));
  }

  /** The last frame before `beforeMs` matching `predicate`. */
  lastBefore(beforeMs: number, predicate: (f: Frame) => boolean): Frame | undefined {
    return this.frames.findLast((f) => f.wallMs < beforeMs && predicate(f));
  }

  stop(): void {
    this.process.kill('SIGTERM');
  }
}

/** One netlink address event on a host: an address added/refreshed, or deleted. */
export interface AddressEvent {
  wallMs: number;
  deleted: boolean;
  address: string;
}

/** `[2026-11-22T02:37:39.636116] Deleted 2: eth0    inet 192.0.2.100/24 …` (TZ=UTC). */
const LINE =
  /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{6})\] (Deleted )?\d+: \S+\s+inet6? ([^/\s]+)/;

/** `ip -ts -o monitor address` in one host. */
export class AddressMonitor {
  readonly events: AddressEvent[] = [];

  constructor(
    readonly host: string,
    lab: NetnsLab,
  ) {
    const child = lab.spawn(['ip', '-ts', '-o', 'monitor', 'address'], host, {
      env: { ...process.env, TZ: 'UTC' },
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = LINE.exec(line);
      if (!m) return;
      const wallMs = Date.parse(`${m[1]}Z`) + Number(m[2]) / 1000;
      this.events.push({ wallMs, deleted: m[3] !== undefined, address: m[4]! });
    });
  }

  /** The first add (deleted = false) or delete of `address` at or after `fromMs`. */
  first(fromMs: number, address: string, deleted: boolean): AddressEvent | undefined {
    return this.events.find(
      (e) => e.wallMs >= fromMs && e.address === address && e.deleted === deleted,
    );
  }
}
