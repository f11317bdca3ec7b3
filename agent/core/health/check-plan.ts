/**
 * @module The checks a desired-state document asks for, flattened: one entry per check of each
 * real server that is not `disabled` (a disabled server is absent from IPVS whatever its health, so
 * it is not probed), with its resolved timing and target. An entry's `key` is its identity across
 * document updates: the same virtual server, real server and identical spec, target and timing give
 * the same key, so an update keeps that check's state and schedule.
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

export function serverKeyOf(virtualServer: string, realServer: string): string {
  return `${virtualServer}/${realServer}`;
}

export function planChecks(virtualServers: readonly DirectorVirtualServer[]): PlannedCheck[] {
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
        const timing =
          probed === undefined ? resolveTiming({}, {}) : resolveTiming(probed, vs.checkDefaults);
        const identity = JSON.stringify([spec, target, timing]);
        const dup = seen.get(identity) ?? 0;
        seen.set(identity, dup + 1);
        const key = `${serverKey}/${identity}#${dup}`;
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
  return out;
}
