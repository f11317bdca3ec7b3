/** @module Real server health metrics: state set, transitions, probe failures and latency, quorum. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DirectorVirtualServer } from '../../contract/virtual-server.js';
import type { FailureReason } from '../core/health/result.js';
import {
  HEALTHCHECK_FAILURE_REASONS,
  REAL_SERVER_STATES,
  failureLabel,
  initialState,
  type CheckType,
  type RealServerMetricState,
} from './health-labels.js';

type Rs = 'virtual_server' | 'real_server';
const RS = ['virtual_server', 'real_server'] as const;
/** 7 bounds + `+Inf` = 8 buckets: 5 ms to 10 s, the range of probe timeouts. */
const DURATION_BUCKETS = [0.005, 0.025, 0.1, 0.25, 1, 2.5, 10];

interface TrackedVs {
  states: Map<string, RealServerMetricState>;
  checks: Set<CheckType>;
}

/** The metric objects, registered on `registry`. */
function createSeries(registry: Registry) {
  const registers = [registry];
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name, help, labelNames, registers });
  return {
    state: gauge(
      'fleetlb_real_server_state',
      'Health/admin state of the real server as seen by this director',
      [...RS, 'state'],
    ),
    transitions: new Counter<Rs>({
      name: 'fleetlb_real_server_transitions_total',
      help: 'Up/down health transitions of the real server',
      labelNames: RS,
      registers,
    }),
    lastTransition: gauge(
      'fleetlb_real_server_last_transition_timestamp_seconds',
      'Unix time of the last health transition',
      RS,
    ),
    failures: new Counter<Rs | 'reason'>({
      name: 'fleetlb_healthcheck_failures_total',
      help: 'Failed health probes',
      labelNames: [...RS, 'reason'],
      registers,
    }),
    duration: new Histogram<'virtual_server' | 'check'>({
      name: 'fleetlb_healthcheck_duration_seconds',
      help: 'Health probe latency',
      labelNames: ['virtual_server', 'check'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    healthy: gauge(
      'fleetlb_virtual_server_healthy_real_servers',
      "Real servers currently up in this director's view",
      ['virtual_server'],
    ),
    quorum: gauge(
      'fleetlb_virtual_server_quorum_real_servers',
      'Configured minimum of healthy real servers',
      ['virtual_server'],
    ),
  };
}

export class HealthMetrics {
  private readonly tracked = new Map<string, TrackedVs>();
  private readonly m: ReturnType<typeof createSeries>;

  constructor(registry: Registry) {
    this.m = createSeries(registry);
  }

  /** Follows the document: series for new virtual/real servers, removed for gone ones. */
  syncDocument(
    virtualServers: readonly DirectorVirtualServer[],
    wallMs: number = Date.now(),
  ): void {
    const wanted = new Set(virtualServers.map((vs) => vs.name));
    for (const name of this.tracked.keys()) if (!wanted.has(name)) this.dropVs(name);
    for (const vs of virtualServers) this.syncVs(vs, wallMs);
  }

  /** The health layer's view of a real server changed (or was confirmed). */
  setRealServerState(
    virtualServer: string,
    realServer: string,
    to: RealServerMetricState,
    wallMs: number = Date.now(),
  ): void {
    const tracked = this.tracked.get(virtualServer);
    const from = tracked?.states.get(realServer);
    if (tracked === undefined || from === undefined) return;
    this.setState(tracked, { virtual_server: virtualServer, real_server: realServer }, to);
    if (from !== to && isHealth(from) && isHealth(to)) {
      const labels = { virtual_server: virtualServer, real_server: realServer };
      this.m.transitions.inc(labels);
      this.m.lastTransition.set(labels, wallMs / 1000);
    }
    this.m.healthy.set({ virtual_server: virtualServer }, countUp(tracked));
  }

  probeFailed(virtualServer: string, realServer: string, reason: FailureReason): void {
    if (this.tracked.get(virtualServer)?.states.has(realServer) !== true) return;
    const labels = { virtual_server: virtualServer, real_server: realServer };
    this.m.failures.inc({ ...labels, reason: failureLabel(reason) });
  }

  observeProbe(virtualServer: string, check: CheckType, seconds: number): void {
    if (!this.tracked.has(virtualServer)) return;
    this.m.duration.observe({ virtual_server: virtualServer, check }, seconds);
  }

  private syncVs(vs: DirectorVirtualServer, wallMs: number): void {
    const tracked = this.tracked.get(vs.name) ?? { states: new Map(), checks: new Set() };
    this.tracked.set(vs.name, tracked);
    const wanted = new Map(vs.realServers.map((rs) => [rs.name, rs]));
    for (const name of tracked.states.keys())
      if (!wanted.has(name)) this.dropRs(tracked, vs.name, name);
    for (const rs of vs.realServers) {
      const labels = { virtual_server: vs.name, real_server: rs.name };
      const current = tracked.states.get(rs.name);
      if (current === undefined) this.initRs(tracked, labels, initialState(rs), wallMs);
      else if (rs.adminState !== 'enabled') this.setState(tracked, labels, rs.adminState);
      else if (!isHealth(current)) this.setState(tracked, labels, initialState(rs));
    }
    this.syncChecks(tracked, vs);
    this.m.quorum.set({ virtual_server: vs.name }, vs.quorum);
    this.m.healthy.set({ virtual_server: vs.name }, countUp(tracked));
  }

  private syncChecks(tracked: TrackedVs, vs: DirectorVirtualServer): void {
    const wanted = new Set(vs.realServers.flatMap((rs) => rs.checks.map((c) => c.type)));
    for (const check of tracked.checks) {
      if (!wanted.has(check)) this.m.duration.remove({ virtual_server: vs.name, check });
    }
    for (const check of wanted) {
      if (!tracked.checks.has(check)) this.m.duration.zero({ virtual_server: vs.name, check });
    }
    tracked.checks = wanted;
  }

  private initRs(
    tracked: TrackedVs,
    labels: Record<Rs, string>,
    state: RealServerMetricState,
    wallMs: number,
  ): void {
    this.setState(tracked, labels, state);
    this.m.transitions.inc(labels, 0);
    this.m.lastTransition.set(labels, wallMs / 1000);
    for (const reason of HEALTHCHECK_FAILURE_REASONS) this.m.failures.inc({ ...labels, reason }, 0);
  }

  private setState(
    tracked: TrackedVs,
    labels: Record<Rs, string>,
    to: RealServerMetricState,
  ): void {
    tracked.states.set(labels.real_server, to);
    for (const state of REAL_SERVER_STATES)
      this.m.state.set({ ...labels, state }, state === to ? 1 : 0);
  }

  private dropRs(tracked: TrackedVs, virtualServer: string, realServer: string): void {
    const labels = { virtual_server: virtualServer, real_server: realServer };
    for (const state of REAL_SERVER_STATES) this.m.state.remove({ ...labels, state });
    for (const reason of HEALTHCHECK_FAILURE_REASONS) this.m.failures.remove({ ...labels, reason });
    this.m.transitions.remove(labels);
    this.m.lastTransition.remove(labels);
    tracked.states.delete(realServer);
  }

  private dropVs(name: string): void {
    const tracked = this.tracked.get(name);
    if (tracked === undefined) return;
    for (const rs of [...tracked.states.keys()]) this.dropRs(tracked, name, rs);
    for (const check of tracked.checks) this.m.duration.remove({ virtual_server: name, check });
    this.m.healthy.remove({ virtual_server: name });
    this.m.quorum.remove({ virtual_server: name });
    this.tracked.delete(name);
  }
}

function isHealth(state: RealServerMetricState): boolean {
  return state === 'up' || state === 'down';
}

function countUp(tracked: TrackedVs): number {
  let up = 0;
  for (const state of tracked.states.values()) if (state === 'up') up += 1;
  return up;
}
