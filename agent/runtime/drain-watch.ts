/**
 * @module While a real server is draining, the control plane's drain-and-wait needs to hear
 * promptly when its last connection ends: every `intervalMs` the draining servers' active
 * connection counts are read (one shared IPVS listing) and a status report is asked for when
 * they changed. Nothing is read while nothing drains.
 */
import type { RealServerStatus } from '../../contract/agent-status.js';
import type { DirectorVirtualServer } from '../../contract/virtual-server.js';

/** `virtualServer/realServer` of every draining real server. */
export function drainingServers(virtualServers: readonly DirectorVirtualServer[]): Set<string> {
  return new Set(
    virtualServers.flatMap((vs) =>
      vs.realServers
        .filter((rs) => rs.adminState === 'draining')
        .map((rs) => `${vs.name}/${rs.name}`),
    ),
  );
}

export class DrainWatch {
  private timer: NodeJS.Timeout | undefined;
  private lastKey = '';
  private busy = false;

  constructor(
    /** Whether any real server of the document in force is draining. */
    private readonly anyDraining: () => boolean,
    /** The draining servers' status (kernel counters). */
    private readonly draining: () => Promise<readonly RealServerStatus[]>,
    private readonly onChange: () => void,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.busy || !this.anyDraining()) return;
    this.busy = true;
    try {
      const key = drainKey(await this.draining());
      if (key !== this.lastKey) {
        this.lastKey = key;
        this.onChange();
      }
    } catch {
      // The next tick tries again; the periodic report still carries the counts.
    } finally {
      this.busy = false;
    }
  }
}

/** What a drain waits on, as a comparable string. */
export function drainKey(servers: readonly RealServerStatus[]): string {
  return servers
    .map((s) => `${s.virtualServer}/${s.realServer}=${s.activeConnections}`)
    .sort()
    .join(',');
}
