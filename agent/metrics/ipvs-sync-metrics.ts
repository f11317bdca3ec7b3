/**
 * @module IPVS connection sync as metrics, so a dashboard shows that a backup is warm:
 * - `fleetlb_ipvs_sync_daemon_running{role}`: 1 while the kernel runs that sync daemon
 *   (GET_DAEMON after each switch), both roles always exported;
 * - `fleetlb_ipvs_sync_daemon_wanted{role}`: 1 for the daemon the followed instance's VRRP
 *   state asks for (`running != wanted` is the alert);
 * - `fleetlb_ipvs_connections{state}`: connection entries bound to a destination, summed over
 *   every IPVS service at scrape: the kernel's per-destination `activeconns`, `inactconns` and
 *   `persistconns`, which `ip_vs_bind_dest` counts for scheduled and synced connections alike
 *   (ip_vs_conn.c, ip_vs_sync.c `ip_vs_proc_conn`). Chosen over counting /proc/net/ip_vs_conn
 *   (a text line per connection read at every scrape) and the `ip_vs_conn` slab (shared by all
 *   network namespaces, merged with other caches by SLUB); it is already in the table dump the
 *   other IPVS metrics use, and equals what `ipvsadm -Ln` shows.
 */
import { Gauge, type Registry } from 'prom-client';
import type { ObservedSyncDaemon, SyncDaemonRole } from '../core/ipvs/daemon-model.js';
import type { ObservedService } from '../core/ipvs/model.js';

export const SYNC_DAEMON_ROLES: readonly SyncDaemonRole[] = ['master', 'backup'];
export const IPVS_CONNECTION_STATES = ['active', 'inactive', 'persistent'] as const;
const ROLES = SYNC_DAEMON_ROLES;

export class IpvsSyncMetrics {
  private readonly running: Gauge<'role'>;
  private readonly wanted: Gauge<'role'>;
  private readonly connections: Gauge<'state'>;

  constructor(registry: Registry) {
    this.running = new Gauge({
      name: 'fleetlb_ipvs_sync_daemon_running',
      help: '1 while the kernel runs the IPVS connection sync daemon of this role',
      labelNames: ['role'],
      registers: [registry],
    });
    this.wanted = new Gauge({
      name: 'fleetlb_ipvs_sync_daemon_wanted',
      help: "1 for the sync daemon the followed VRRP instance's state asks for (master on MASTER, backup otherwise)",
      labelNames: ['role'],
      registers: [registry],
    });
    this.connections = new Gauge({
      name: 'fleetlb_ipvs_connections',
      help: 'IPVS connection entries bound to a real server, all services (active, inactive, persistence templates)',
      labelNames: ['state'],
      registers: [registry],
    });
    for (const role of ROLES) {
      this.running.set({ role }, 0);
      this.wanted.set({ role }, 0);
    }
  }

  daemons(running: readonly ObservedSyncDaemon[], wanted: SyncDaemonRole | undefined): void {
    for (const role of ROLES) {
      this.running.set({ role }, running.some((d) => d.role === role) ? 1 : 0);
      this.wanted.set({ role }, wanted === role ? 1 : 0);
    }
  }

  observe(services: readonly ObservedService[]): void {
    let active = 0;
    let inactive = 0;
    let persistent = 0;
    for (const service of services)
      for (const d of service.destinations) {
        active += d.activeConnections;
        inactive += d.inactiveConnections;
        persistent += d.persistentConnections;
      }
    this.connections.set({ state: 'active' }, active);
    this.connections.set({ state: 'inactive' }, inactive);
    this.connections.set({ state: 'persistent' }, persistent);
  }
}
