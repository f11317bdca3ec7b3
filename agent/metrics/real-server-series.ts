/**
 * @module Per-real-server series kept compactly (issue 18). prom-client keeps, for every series,
 * a label object and a hash string: about 450 bytes of V8 heap each, 48 MiB for the 110,000
 * health series of 10,000 real servers and 13 MiB for their 60,000 IPVS series. Here a real
 * server is a slot: its two names once, its values in typed arrays indexed by slot, and the
 * series are produced only when scraped, through prom-client's public metric API (a Gauge or
 * Counter whose `get()` builds its values). They come out in the order prom-client lists its
 * own series (creation order; a series removed and created again comes last), with the same
 * labels in the same order, so the exposition is the same byte for byte.
 */
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

export type RsLabel = 'virtual_server' | 'real_server';
type Series = { labels: Record<string, string>; value: number };

/** Per-slot values: `width` of them per slot (one per value of an extra label), 0 at first. */
export class SlotColumn<A extends Float64Array | BigUint64Array = Float64Array> {
  values: A;

  constructor(
    readonly width: number,
    private readonly make: (length: number) => A,
    private readonly zero: A[number],
  ) {
    this.values = make(0);
  }

  grow(capacity: number): void {
    const next = this.make(capacity * this.width);
    next.set(this.values as never);
    this.values = next;
  }

  clear(slot: number): void {
    this.values.fill(this.zero as never, slot * this.width, (slot + 1) * this.width);
  }
}

export const numbers = (width = 1): SlotColumn =>
  new SlotColumn(width, (n) => new Float64Array(n), 0);
export const bigints = (width = 1): SlotColumn<BigUint64Array> =>
  new SlotColumn(width, (n) => new BigUint64Array(n), 0n);

/** Real servers as slots, in the order their series were created. */
export class RealServerSlots {
  /** Live slots; a Set keeps insertion order, and a slot added again goes last. */
  readonly #order = new Set<number>();
  readonly #free: number[] = [];
  readonly #columns: SlotColumn<Float64Array | BigUint64Array>[] = [];
  #virtualServers: string[] = [];
  #realServers: string[] = [];
  #capacity = 0;

  /** A column that grows with the slots; a new slot's values start at 0. */
  column<A extends Float64Array | BigUint64Array>(column: SlotColumn<A>): SlotColumn<A> {
    column.grow(this.#capacity);
    this.#columns.push(column);
    return column;
  }

  add(virtualServer: string, realServer: string): number {
    let slot = this.#free.pop();
    if (slot === undefined) {
      slot = this.#virtualServers.length;
      if (slot >= this.#capacity) this.#grow(Math.max(64, this.#capacity * 2));
    }
    this.#virtualServers[slot] = virtualServer;
    this.#realServers[slot] = realServer;
    for (const c of this.#columns) c.clear(slot);
    this.#order.add(slot);
    return slot;
  }

  remove(slot: number): void {
    if (!this.#order.delete(slot)) return;
    this.#free.push(slot);
  }

  /**
   * The series of `column` for every live slot, in creation order: one per value of `extra`
   * (label name and values) or, without it, one per slot; `value(slot, i)` gives each value.
   */
  series(
    value: (slot: number, i: number) => number,
    extra?: { name: string; values: readonly string[] },
  ): Series[] {
    const out: Series[] = [];
    for (const slot of this.#order) {
      const virtual_server = this.#virtualServers[slot]!;
      const real_server = this.#realServers[slot]!;
      if (extra === undefined) {
        out.push({ labels: { virtual_server, real_server }, value: value(slot, 0) });
        continue;
      }
      for (let i = 0; i < extra.values.length; i++) {
        const labels = { virtual_server, real_server, [extra.name]: extra.values[i]! };
        out.push({ labels, value: value(slot, i) });
      }
    }
    return out;
  }

  #grow(capacity: number): void {
    this.#capacity = capacity;
    for (const c of this.#columns) c.grow(capacity);
  }
}

export interface FamilyConfig {
  name: string;
  help: string;
  /** The label after virtual_server and real_server, with its values in export order. */
  extra?: { name: string; values: readonly string[] };
  registry: Registry;
}

type Produce = (slot: number, i: number) => number;
type Exported = Awaited<ReturnType<Gauge['get']>>;

function configOf(c: FamilyConfig) {
  const labelNames = ['virtual_server', 'real_server', ...(c.extra ? [c.extra.name] : [])];
  return { name: c.name, help: c.help, labelNames, registers: [c.registry] };
}

function exported(
  type: 'gauge' | 'counter',
  slots: RealServerSlots,
  value: Produce,
  c: FamilyConfig,
) {
  const values = slots.series(value, c.extra);
  return { name: c.name, help: c.help, type, values, aggregator: 'sum' } as unknown as Exported;
}

/** A gauge whose series are built from the slots at each scrape (its own `set` is not used). */
export class SlotGauge extends Gauge {
  constructor(
    private readonly slots: RealServerSlots,
    private readonly value: Produce,
    private readonly c: FamilyConfig,
  ) {
    super(configOf(c));
  }

  override async get(): Promise<Exported> {
    return exported('gauge', this.slots, this.value, this.c);
  }
}

/** A counter whose series are built from the slots at each scrape (its own `inc` is not used). */
export class SlotCounter extends Counter {
  constructor(
    private readonly slots: RealServerSlots,
    private readonly value: Produce,
    private readonly c: FamilyConfig,
  ) {
    super(configOf(c));
  }

  override async get(): Promise<Exported> {
    return exported('counter', this.slots, this.value, this.c);
  }
}
