/**
 * @module The checks a desired-state document asks for, flattened: one entry per check of each
 * real server that is not `disabled` (a disabled server is absent from IPVS whatever its health, so
 * it is not probed), with its resolved timing and target. An entry's `key` is its identity across
 * document updates: the same virtual server, real server and identical spec, target and timing give
 * the same key, so an update keeps that check's state and schedule. The spec and timing enter the
 * key as a number (CheckSpecIds: one per distinct spec and timing, kept across updates by the
 * runner), not as their JSON: 10,000 keys embedding it held 2.4 MB of heap.
 */
import type { CheckTiming, HealthCheck } from '../../../contract/health-check.js';
import type { DirectorVirtualServer } from '../../../contract/virtual-server.js';
import { resolveTiming } from './timing.js';

export interface PlannedCheck {
  key: string;
  virtualServer: string;
  realServer: string;
  /** `virtualServer/realServer`: the server whose health this check feeds. */
  serverKey: string;
  /** Position in the real server's `checks` (for logs and metric labels). */
  index: number;
  spec: HealthCheck;
  target: { address: string; port: number };
  timing: CheckTiming;
  /** Its state before the first probe: up, unless the virtual server says `initialHealth: down`. */
  initialUp: boolean;
}

// Keys are made by join(), which gives one flat string; a template literal gives a tree of
// concatenated strings that stays alive next to its flattened copy once the key is hashed.
export function serverKeyOf(virtualServer: string, realServer: string): string {
  return [virtualServer, realServer].join('/');
}

/**
 * A number for each distinct check spec and timing (compared as JSON), stable while it stays in
 * use: what a check's key carries instead of that JSON. Checks with equal timings also share one
 * timing object (10,000 checks of one virtual server template: one object, not 10,000). `retain`
 * after each plan forgets the ones no longer used (a spec that comes back later gets a new
 * number; its checks start afresh, as they would anyway, having been removed in between).
 */
export class CheckSpecIds {
  #known = new Map<string, { id: number; timing: CheckTiming }>();
  #next = 0;
  #used = new Set<string>();

  identify(spec: HealthCheck, timing: CheckTiming): { id: number; timing: CheckTiming } {
    const json = JSON.stringify([spec, timing]);
    this.#used.add(json);
    let known = this.#known.get(json);
    if (known === undefined) {
      known = { id: this.#next++, timing };
      this.#known.set(json, known);
    }
    return known;
  }

  /** Forgets the specs not asked for since the last call. */
  retain(): void {
    for (const json of this.#known.keys()) if (!this.#used.has(json)) this.#known.delete(json);
    this.#used = new Set();
  }
}

export function planChecks(
  virtualServers: readonly DirectorVirtualServer[],
  specIds: CheckSpecIds = new CheckSpecIds(),
): PlannedCheck[] {
  const out: PlannedCheck[] = [];
  for (const vs of virtualServers) {
    for (const rs of vs.realServers) {
      if (rs.adminState === 'disabled') continue;
      const serverKey = serverKeyOf(vs.name, rs.name);
      const seen = new Map<string, number>();
      rs.checks.forEach((spec, index) => {
        // A file check has no target or timing: it follows its file (file-check.ts).
        const probed = spec.type === 'file' ? undefined : spec;
        const target = { address: rs.address, port: probed?.port ?? rs.port };
        const resolved =
          probed === undefined ? resolveTiming({}, {}) : resolveTiming(probed, vs.checkDefaults);
        const { id, timing } = specIds.identify(spec, resolved);
        const identity = [id, target.address, target.port].join(' ');
        const dup = seen.get(identity) ?? 0;
        seen.set(identity, dup + 1);
        const key = [serverKey, '/', identity, '#', dup].join('');
        out.push({
          key,
          virtualServer: vs.name,
          realServer: rs.name,
          serverKey,
          index,
          spec,
          target,
          timing,
          initialUp: vs.initialHealth !== 'down',
        });
      });
    }
  }
  specIds.retain();
  return out;
}
