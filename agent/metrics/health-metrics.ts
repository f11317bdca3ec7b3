/**
 * @module Real server health metrics: state set, transitions, probe failures and latency, quorum.
 * The per-real-server families are slots (real-server-series.ts): 11 series per real server would
 * otherwise be prom-client objects, 48 MiB of heap for 10,000 real servers.
 */
import { Gauge, Histogram, type Registry } from 'prom-client';
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
import { numbers, RealServerSlots, SlotCounter, SlotGauge } from './real-server-series.js';

/** 7 bounds + `+Inf` = 8 buckets: 5 ms to 10 s, the range of probe timeouts. */
const DURATION_BUCKETS = [0.005, 0.025, 0.1, 0.25, 1, 2.5, 10];

interface TrackedVs {
  /** Real server name → its slot. */
  slots: Map<string, number>;
  checks: Set<CheckType>;
}

/** Per slot: the state (index in REAL_SERVER_STATES), transitions, last one, failures by reason. */
function createSlots(registry: Registry) {
  const slots = new RealServerSlots();
  const state = slots.column(numbers());
  const transitions = slots.column(numbers());
  const lastTransitionS = slots.column(numbers());
  const failures = slots.column(numbers(HEALTHCHECK_FAILURE_REASONS.length));
  const one = (column: { values: Float64Array }) => (slot: number) => column.values[slot]!;
  new SlotGauge(slots, (slot, i) => (state.values[slot] === i ? 1 : 0), {
    name: 'fleetlb_real_server_state',
    help: 'Health/admin state of the real server as seen by this director',
    extra: { name: 'state', values: REAL_SERVER_STATES },
    registry,
  });
  new SlotCounter(slots, one(transitions), {
    name: 'fleetlb_real_server_transitions_total',
    help: 'Up/down health transitions of the real server',
    registry,
  });
  new SlotGauge(slots, one(lastTransitionS), {
    name: 'fleetlb_real_server_last_transition_timestamp_seconds',
    help: 'Unix time of the last health transition',
    registry,
  });
  const width = failures.width;
  new SlotCounter(slots, (slot, i) => failures.values[slot * width + i]!, {
    name: 'fleetlb_healthcheck_failures_total',
    help: 'Failed health probes',
    extra: { name: 'reason', values: HEALTHCHECK_FAILURE_REASONS },
    registry,
  });
  return { slots, state, transitions, lastTransitionS, failures };
}

/** The other metric objects, registered on `registry`. */
function createSeries(registry: Registry) {
  const registers = [registry];
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name, help, labelNames, registers });
  return {
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
  private readonly rs: ReturnType<typeof createSlots>;
  private readonly m: ReturnType<typeof createSeries>;

  constructor(registry: Registry) {
    this.rs = createSlots(registry);
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
    const slot = tracked?.slots.get(realServer);
    if (tracked === undefined || slot === undefined) return;
    const from = this.stateOf(slot);
    this.setState(slot, to);
    if (from !== to && isHealth(from) && isHealth(to)) {
      this.rs.transitions.values[slot]! += 1;
      this.rs.lastTransitionS.values[slot] = wallMs / 1000;
    }
    this.m.healthy.set({ virtual_server: virtualServer }, this.countUp(tracked));
  }

  probeFailed(virtualServer: string, realServer: string, reason: FailureReason): void {
    const slot = this.tracked.get(virtualServer)?.slots.get(realServer);
    if (slot === undefined) return;
    const i = HEALTHCHECK_FAILURE_REASONS.indexOf(failureLabel(reason));
    this.rs.failures.values[slot * this.rs.failures.width + i]! += 1;
  }

  observeProbe(virtualServer: string, check: CheckType, seconds: number): void {
    if (!this.tracked.has(virtualServer)) return;
    this.m.duration.observe({ virtual_server: virtualServer, check }, seconds);
  }

  private syncVs(vs: DirectorVirtualServer, wallMs: number): void {
    const tracked = this.tracked.get(vs.name) ?? { slots: new Map(), checks: new Set() };
    this.tracked.set(vs.name, tracked);
    const wanted = new Set(vs.realServers.map((rs) => rs.name));
    for (const [name, slot] of tracked.slots) {
      if (wanted.has(name)) continue;
      this.rs.slots.remove(slot);
      tracked.slots.delete(name);
    }
    for (const rs of vs.realServers) {
      const slot = tracked.slots.get(rs.name);
      if (slot === undefined) {
        const added = this.rs.slots.add(vs.name, rs.name);
        tracked.slots.set(rs.name, added);
        this.setState(added, initialState(rs));
        this.rs.lastTransitionS.values[added] = wallMs / 1000;
      } else if (rs.adminState !== 'enabled') this.setState(slot, rs.adminState);
      else if (!isHealth(this.stateOf(slot))) this.setState(slot, initialState(rs));
    }
    this.syncChecks(tracked, vs);
    this.m.quorum.set({ virtual_server: vs.name }, vs.quorum);
    this.m.healthy.set({ virtual_server: vs.name }, this.countUp(tracked));
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

  private stateOf(slot: number): RealServerMetricState {
    return REAL_SERVER_STATES[this.rs.state.values[slot]!]!;
  }

  private setState(slot: number, to: RealServerMetricState): void {
    this.rs.state.values[slot] = REAL_SERVER_STATES.indexOf(to);
  }

  private countUp(tracked: TrackedVs): number {
    let up = 0;
    for (const slot of tracked.slots.values()) if (this.stateOf(slot) === 'up') up += 1;
    return up;
  }

  private dropVs(name: string): void {
    const tracked = this.tracked.get(name);
    if (tracked === undefined) return;
    for (const slot of tracked.slots.values()) this.rs.slots.remove(slot);
    for (const check of tracked.checks) this.m.duration.remove({ virtual_server: name, check });
    this.m.healthy.remove({ virtual_server: name });
    this.m.quorum.remove({ virtual_server: name });
    this.tracked.delete(name);
  }
}

function isHealth(state: RealServerMetricState): boolean {
  return state === 'up' || state === 'down';
}
