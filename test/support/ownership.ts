/**
 * @module Who held an address over time, from add and delete events of several hosts (pure):
 * the windows of a time range and the hosts holding the address in each. A host holds an
 * address while any prefix length of it is on any of its interfaces. Used by the kernel sampler
 * of the netns tests (vip-sampler.ts) and by the simulated kernel of the in-process ones.
 */

export interface AddressEvent {
  atMs: number;
  host: string;
  /** address/prefix */
  key: string;
  address: string;
  present: boolean;
}

export interface OwnershipWindow {
  fromMs: number;
  toMs: number;
  owners: string[];
}

/** The windows of [fromMs, toMs] for `address`; `initial` is what each host held before. */
export function ownershipTimeline(
  events: readonly AddressEvent[],
  hosts: readonly string[],
  initial: ReadonlyMap<string, ReadonlySet<string>>,
  address: string,
  fromMs: number,
  toMs: number,
): OwnershipWindow[] {
  const held = new Map(
    hosts.map((h) => [
      h,
      new Set([...(initial.get(h) ?? [])].filter((k) => k.split('/')[0] === address)),
    ]),
  );
  const owners = (): string[] => hosts.filter((h) => (held.get(h)?.size ?? 0) > 0);
  const windows: OwnershipWindow[] = [];
  let start = fromMs;
  let current = owners();
  const relevant = events
    .filter((e) => e.address === address && e.atMs <= toMs)
    .sort((a, b) => a.atMs - b.atMs);
  for (const event of relevant) {
    const keys = held.get(event.host);
    if (!keys) continue;
    if (event.present) keys.add(event.key);
    else keys.delete(event.key);
    const next = owners();
    if (event.atMs < fromMs) {
      current = next;
      continue;
    }
    if (next.join() === current.join()) continue;
    if (event.atMs > start) windows.push({ fromMs: start, toMs: event.atMs, owners: current });
    start = event.atMs;
    current = next;
  }
  windows.push({ fromMs: start, toMs, owners: current });
  return windows;
}
