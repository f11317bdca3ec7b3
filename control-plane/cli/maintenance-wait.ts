/**
 * @module `director maintenance --wait`: after the director went into maintenance, follow the
 * fleet views until each of its VRRP instances is carried by another member: the director has
 * applied the maintenance revision (its report says it runs in maintenance), its own fresh
 * report no longer claims the instance, and exactly one other member is master with fresh
 * evidence and reports owning the VIPs. Progress goes to stderr, one line per instance as it
 * settles; when --timeout runs out, exit 5 with what each pending instance still waits for.
 */
import type { MaintenanceResult } from '../../contract/maintenance.js';
import { CliError, EXIT } from './exit-codes.js';
import type { ApiClient } from './http-client.js';

export interface WaitMember {
  director: string;
  state: string;
  vipsOwned: string[];
  handingOver?: boolean | undefined;
}
export interface WaitInstance {
  name: string;
  members: WaitMember[];
  masters: string[];
}
export interface WaitDirector {
  name: string;
  stale: boolean;
  stopped: boolean;
  appliedRevision: number | null;
  agent: { maintenance?: boolean } | null;
}

export type HandoverOutcome =
  { done: true; master: string; vips: string[] } | { done: false; why: string };

/** Whether `instance` is handed over from `director` (pure; the views' fresh evidence only). */
export function handoverOutcome(
  director: string,
  revision: number,
  instance: WaitInstance,
  self: WaitDirector | undefined,
): HandoverOutcome {
  if (!self || self.stale) return { done: false, why: `no fresh report from ${director}` };
  if (self.stopped) return { done: false, why: `${director}'s agent stopped` };
  if (
    self.appliedRevision === null ||
    self.appliedRevision < revision ||
    self.agent?.maintenance !== true
  )
    return {
      done: false,
      why: `${director} has not applied maintenance (revision ${revision}) yet`,
    };
  const own = instance.members.find((m) => m.director === director);
  if (!own || own.state === 'unknown')
    return { done: false, why: `${director}'s state is unknown` };
  if (own.state === 'master')
    return {
      done: false,
      why: own.handingOver
        ? `${director} is still master, handing over (the VIPs stay until a new master advertises)`
        : `${director} is still master`,
    };
  const others = instance.masters.filter((m) => m !== director);
  if (others.length === 0) return { done: false, why: 'no other member reports master yet' };
  if (others.length > 1) return { done: false, why: `more than one master: ${others.join(', ')}` };
  const master = others[0]!;
  const vips = instance.members.find((m) => m.director === master)?.vipsOwned ?? [];
  if (vips.length === 0) return { done: false, why: `${master} is master but reports no VIP` };
  return { done: true, master, vips };
}

const POLL_MS = 500;

/** Waits until every instance of `result` is handed over; throws exit 5 at the deadline. */
export async function waitForHandover(
  client: ApiClient,
  site: string,
  result: MaintenanceResult,
  timeoutMs: number,
  progress: (line: string) => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const base = `/v1/sites/${encodeURIComponent(site)}`;
  const settled = new Set<string>();
  for (;;) {
    const vrrp = (await client.get<{ instances: WaitInstance[] }>(`${base}/vrrp-status`)).body;
    const { directors } = (
      await client.get<{ directors: WaitDirector[] }>(`${base}/directors-status`)
    ).body;
    const self = directors.find((d) => d.name === result.director);
    const pending: string[] = [];
    for (const { instance: name } of result.instances) {
      if (settled.has(name)) continue;
      const instance = vrrp.instances.find((i) => i.name === name);
      const outcome = instance
        ? handoverOutcome(result.director, result.revision, instance, self)
        : ({ done: false, why: 'the instance is gone from the site' } as const);
      if (!outcome.done) {
        pending.push(`${name} (${outcome.why})`);
        continue;
      }
      settled.add(name);
      progress(`${name}: ${outcome.master} is master, owns ${outcome.vips.join(', ')}`);
    }
    if (pending.length === 0) return;
    if (Date.now() >= deadline)
      throw new CliError(EXIT.timeout, `not handed over in time: ${pending.join('; ')}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, deadline - Date.now())));
  }
}
