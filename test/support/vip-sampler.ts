/**
 * @module Who holds a VIP, over time, as the kernels of a lab's hosts say: `ip -ts -o monitor
 * address` runs in each host and every add, refresh and delete is kept with the kernel event's
 * timestamp (microseconds, one clock for all hosts). From that, `gaps` and `overlaps` give the
 * time during which a VIP had no holder or two. A host holds a VIP while any prefix length of it
 * is on any of its interfaces (a prefix change adds the new one before removing the old one).
 */
import { createInterface } from 'node:readline';
import type { ChildProcess } from 'node:child_process';
import type { NetnsLab } from './netns-lab.js';
import { ownershipTimeline, type AddressEvent, type OwnershipWindow } from './ownership.js';

export type { OwnershipWindow } from './ownership.js';

// [2026-12-07T16:26:24.281055] Deleted 3: v0    inet 192.0.2.100/24 scope global …
const LINE = /^\[([0-9T:.-]+)\] (Deleted )?\d+: \S+\s+inet6? ([0-9a-f.:]+)\/(\d+)/i;

/** `ip -ts` prints local time with microseconds; the monitors run with TZ=UTC. */
function parseTimestamp(text: string): number {
  const [whole = '', fraction = '0'] = text.split('.');
  return Date.parse(`${whole}Z`) + Number(`0.${fraction}`) * 1000;
}

export class VipSampler {
  private readonly events: AddressEvent[] = [];
  private readonly monitors: ChildProcess[] = [];
  private readonly initial = new Map<string, Set<string>>();

  private constructor(private readonly hosts: readonly string[]) {}

  /**
   * Starts a monitor in each host, then reads what each holds now (a VIP added between the two
   * is seen by both, which is harmless). Resolves once the monitors run.
   */
  static async start(lab: NetnsLab, hosts: readonly string[]): Promise<VipSampler> {
    const sampler = new VipSampler(hosts);
    for (const host of hosts) {
      const child = lab.spawn(['ip', '-ts', '-o', 'monitor', 'address'], host, {
        env: { ...process.env, TZ: 'UTC' },
      });
      sampler.monitors.push(child);
      createInterface({ input: child.stdout! }).on('line', (text) => sampler.record(host, text));
    }
    // The monitor subscribes as soon as it starts; give it that moment before reading.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const host of hosts) {
      const held = new Set<string>();
      for (const line of lab.run(['ip', '-o', 'addr', 'show'], host).split('\n')) {
        const match = /\binet6? ([0-9a-f.:]+\/\d+)/i.exec(line);
        if (match?.[1]) held.add(match[1]);
      }
      sampler.initial.set(host, held);
    }
    return sampler;
  }

  stop(): void {
    for (const child of this.monitors) child.kill('SIGTERM');
  }

  /** The last event's timestamp, so a caller can tell the monitors have caught up. */
  get lastEventMs(): number {
    return this.events.at(-1)?.atMs ?? 0;
  }

  /** Windows within [fromMs, toMs] and the hosts holding `address` in each. */
  timeline(address: string, fromMs: number, toMs: number): OwnershipWindow[] {
    return ownershipTimeline(this.events, this.hosts, this.initial, address, fromMs, toMs);
  }

  /** Windows in which `address` had no holder. */
  gaps(address: string, fromMs: number, toMs: number): OwnershipWindow[] {
    return this.timeline(address, fromMs, toMs).filter((w) => w.owners.length === 0);
  }

  /** Windows in which `address` had more than one holder. */
  overlaps(address: string, fromMs: number, toMs: number): OwnershipWindow[] {
    return this.timeline(address, fromMs, toMs).filter((w) => w.owners.length > 1);
  }

  private record(host: string, text: string): void {
    const match = LINE.exec(text);
    if (!match) return;
    const [, stamp = '', deleted, address = '', prefix = ''] = match;
    this.events.push({
      atMs: parseTimestamp(stamp),
      host,
      key: `${address}/${prefix}`,
      address,
      present: deleted === undefined,
    });
  }
}
