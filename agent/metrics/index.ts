/** @module The agent's metrics in one object: registry plus the VRRP, IPVS, health, config, condition and IPVS sync families. */
import type { Registry } from 'prom-client';
import { ConditionMetrics } from './condition-metrics.js';
import { ConfigMetrics } from './config-metrics.js';
import { HealthMetrics } from './health-metrics.js';
import { IpvsMetrics, type IpvsMetricsOptions } from './ipvs-metrics.js';
import { IpvsSyncMetrics } from './ipvs-sync-metrics.js';
import { createAgentRegistry, type AgentRegistryOptions } from './registry.js';
import { VrrpMetrics } from './vrrp-metrics.js';

export interface AgentMetrics {
  registry: Registry;
  vrrp: VrrpMetrics;
  ipvs: IpvsMetrics;
  health: HealthMetrics;
  config: ConfigMetrics;
  conditions: ConditionMetrics;
  ipvsSync: IpvsSyncMetrics;
}

export function createAgentMetrics(
  options: AgentRegistryOptions & IpvsMetricsOptions,
): AgentMetrics {
  const registry = createAgentRegistry(options);
  return {
    registry,
    vrrp: new VrrpMetrics(registry),
    ipvs: new IpvsMetrics(registry, options),
    health: new HealthMetrics(registry),
    config: new ConfigMetrics(registry),
    conditions: new ConditionMetrics(registry),
    ipvsSync: new IpvsSyncMetrics(registry),
  };
}
