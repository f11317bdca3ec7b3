/** @module Config apply / sync metrics of the agent, and whether the kernel offers IPVS. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** `fleetlb_agent_config_apply_errors_total{stage}`: every stage is exported from the start. */
export const APPLY_STAGES = ['fetch', 'validate', 'ipvs', 'vrrp', 'netlink'] as const;
export type ApplyStage = (typeof APPLY_STAGES)[number];

/** 8 bounds: 1 ms to 10 s (a large IPVS table is reconciled in batches). */
const RECONCILE_BUCKETS = [0.001, 0.005, 0.025, 0.1, 0.5, 1, 2.5, 10];

export class ConfigMetrics {
  private readonly revision: Gauge;
  private readonly appliedAt: Gauge;
  private readonly syncedAt: Gauge;
  private readonly errors: Counter<'stage'>;
  private readonly reconcile: Histogram;
  private readonly ipvs: Gauge;
  private readonly maintenance: Gauge;
  private scriptsDisabled: () => number = () => 0;

  constructor(registry: Registry) {
    const registers = [registry];
    const gauge = (name: string, help: string) => new Gauge({ name, help, registers });
    this.revision = gauge(
      'fleetlb_agent_config_applied_revision',
      'Config revision (monotonic integer) applied to IPVS+VRRP',
    );
    this.appliedAt = gauge(
      'fleetlb_agent_config_last_applied_timestamp_seconds',
      'When the current revision was applied',
    );
    this.syncedAt = gauge(
      'fleetlb_agent_config_last_sync_success_timestamp_seconds',
      'Last successful fetch from the control plane',
    );
    this.errors = new Counter({
      name: 'fleetlb_agent_config_apply_errors_total',
      help: 'Failed apply attempts, by stage',
      labelNames: ['stage'],
      registers,
    });
    for (const stage of APPLY_STAGES) this.errors.inc({ stage }, 0);
    this.reconcile = new Histogram({
      name: 'fleetlb_agent_reconcile_duration_seconds',
      help: 'Time to reconcile kernel state with config',
      buckets: RECONCILE_BUCKETS,
      registers,
    });
    this.ipvs = gauge(
      'fleetlb_agent_ipvs_available',
      '1 if the kernel offers IPVS (ip_vs loaded), 0 if the agent runs VRRP only',
    );
    this.maintenance = gauge(
      'fleetlb_director_maintenance',
      '1 while the director is in maintenance (priority 1, masterships handed over), 0 otherwise',
    );
    this.maintenance.set(0);
    const disabled = () => this.scriptsDisabled();
    new Gauge({
      name: 'fleetlb_agent_scripts_disabled',
      help: 'Scripts the agent refuses to run (no such user, not executable, unsafe under enable_script_security)',
      registers,
      collect() {
        this.set(disabled());
      },
    });
  }

  /** How `fleetlb_agent_scripts_disabled` counts, at each scrape. */
  countScriptsDisabled(count: () => number): void {
    this.scriptsDisabled = count;
  }

  /** `revision` is now applied to the kernel; `wallMs` is the Unix time in ms. */
  applied(revision: number, wallMs: number = Date.now()): void {
    this.revision.set(revision);
    this.appliedAt.set(wallMs / 1000);
  }

  syncSucceeded(wallMs: number = Date.now()): void {
    this.syncedAt.set(wallMs / 1000);
  }

  applyFailed(stage: ApplyStage): void {
    this.errors.inc({ stage });
  }

  observeReconcile(seconds: number): void {
    this.reconcile.observe(seconds);
  }

  /** Starts a reconcile timer; call the result when the reconcile ends. */
  startReconcile(): () => void {
    const start = performance.now();
    return () => this.reconcile.observe((performance.now() - start) / 1000);
  }

  setMaintenance(on: boolean): void {
    this.maintenance.set(on ? 1 : 0);
  }

  setIpvsAvailable(available: boolean): void {
    this.ipvs.set(available ? 1 : 0);
  }
}
