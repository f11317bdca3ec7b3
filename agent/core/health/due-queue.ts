/**
 * @module A min-heap of check due times: which checks to start now under a concurrency bound, in
 * O(k log n) rather than a scan of every check (schedule.ts `pickToStart` is the reference
 * behaviour: oldest due first, ties by key). Items are invalidated lazily: the caller's `isLive`
 * says whether a (key, dueMs) pair still stands (the check exists, is idle, and is still due then).
 */

interface Item {
  key: string;
  dueMs: number;
}

const before = (a: Item, b: Item): boolean =>
  a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.key < b.key);

export type IsLive = (key: string, dueMs: number) => boolean;

export class DueQueue {
  readonly #heap: Item[] = [];

  get size(): number {
    return this.#heap.length;
  }

  push(key: string, dueMs: number): void {
    const heap = this.#heap;
    heap.push({ key, dueMs });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const [p, c] = [heap[parent], heap[i]];
      if (p === undefined || c === undefined || !before(c, p)) break;
      [heap[parent], heap[i]] = [c, p];
      i = parent;
    }
  }

  /** The earliest live due time (dropping dead items on top), or undefined when none. */
  nextDueMs(isLive: IsLive): number | undefined {
    for (let top = this.#heap[0]; top !== undefined; top = this.#heap[0]) {
      if (isLive(top.key, top.dueMs)) return top.dueMs;
      this.#pop();
    }
    return undefined;
  }

  /** Removes and returns up to `slots` live keys due at or before `nowMs`, oldest first. */
  takeDue(nowMs: number, slots: number, isLive: IsLive): string[] {
    const out: string[] = [];
    while (out.length < slots) {
      const due = this.nextDueMs(isLive);
      if (due === undefined || due > nowMs) break;
      const item = this.#pop();
      if (item !== undefined) out.push(item.key);
    }
    return out;
  }

  #pop(): Item | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    this.#siftDown();
    return top;
  }

  #siftDown(): void {
    const heap = this.#heap;
    for (let i = 0; ;) {
      const [l, r] = [2 * i + 1, 2 * i + 2];
      let m = i;
      const [hi, hl, hr] = [heap[m], heap[l], heap[r]];
      if (hl !== undefined && hi !== undefined && before(hl, hi)) m = l;
      const hm = heap[m];
      if (hr !== undefined && hm !== undefined && before(hr, hm)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m] as Item, heap[i] as Item];
      i = m;
    }
  }
}
