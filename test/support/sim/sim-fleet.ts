/**
 * @module Directors running the real VRRP engine (agent/vrrp/engine.ts) in-process on a
 * simulated LAN (sim-lan.ts), simulated kernels (sim-kernel.ts) and simulated time
 * (sim-time.ts): a failover scenario runs deterministically in milliseconds of real time. The
 * kernel of the wire and of addresses is proven by the netns tier; these prove the engine.
 */
import type { z } from 'zod';
import { DirectorVrrpInstance } from '../../../contract/vrrp-instance.js';
import { VrrpEngine } from '../../../agent/vrrp/engine.js';
import type { InstanceTransition } from '../../../agent/vrrp/instance-runner.js';
import { ownershipTimeline, type AddressEvent, type OwnershipWindow } from '../ownership.js';
import { SimKernel } from './sim-kernel.js';
import { SimLan } from './sim-lan.js';
import { SimTime } from './sim-time.js';

const silent = { info() {}, warn() {}, error() {} };

export type SimInstance = z.input<typeof DirectorVrrpInstance>;

export class SimDirector {
  readonly transitions: InstanceTransition[] = [];
  /** When it sent gratuitous ARP / unsolicited NA (simulated ms). */
  readonly announced: number[] = [];
  readonly engine: VrrpEngine;
  readonly kernel: SimKernel;

  constructor(
    readonly name: string,
    readonly address: string,
    fleet: SimFleet,
  ) {
    this.kernel = new SimKernel(name, address, fleet.time, fleet.addressLog);
    this.engine = new VrrpEngine({
      rtnetlink: this.kernel,
      announcer: {
        announce: (t) => {
          this.announced.push(fleet.time.now);
          return { sent: t.ipv4.length + t.ipv6.length, errors: [] };
        },
        close() {},
      },
      logger: silent,
      clock: fleet.time.clock(name),
      openSocket: fleet.lan.socketsOf(name, address),
      applyRuleset: () => Promise.resolve(),
    });
    this.engine.on('transition', (t) => this.transitions.push(t));
  }

  state(instance: string): string {
    return this.engine.instances.get(instance)?.runner.state.name ?? 'absent';
  }

  /** Runs `specs` (parsed with the contract's defaults). */
  async run(specs: readonly SimInstance[]): Promise<void> {
    await this.engine.update(specs.map((s) => DirectorVrrpInstance.parse(s)));
  }
}

export class SimFleet {
  readonly time = new SimTime();
  readonly lan = new SimLan(this.time);
  readonly addressLog: AddressEvent[] = [];
  readonly directors = new Map<string, SimDirector>();

  add(name: string, address: string): SimDirector {
    const director = new SimDirector(name, address, this);
    this.directors.set(name, director);
    return director;
  }

  /** kill -9 of `name`'s agent and its guard: nothing it scheduled runs again. */
  kill(name: string): void {
    this.time.kill(name);
    this.lan.setCut(name, true);
  }

  timeline(address: string, fromMs: number, toMs = this.time.now): OwnershipWindow[] {
    const hosts = [...this.directors.keys()];
    return ownershipTimeline(this.addressLog, hosts, new Map(), address, fromMs, toMs);
  }

  gaps(address: string, fromMs: number): OwnershipWindow[] {
    return this.timeline(address, fromMs).filter((w) => w.owners.length === 0 && w.toMs > w.fromMs);
  }

  overlaps(address: string, fromMs: number): OwnershipWindow[] {
    return this.timeline(address, fromMs).filter((w) => w.owners.length > 1 && w.toMs > w.fromMs);
  }
}
