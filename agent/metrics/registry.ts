/** @module The agent's Prometheus registry: default process_/nodejs_ metrics (unprefixed) and build info. */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export interface AgentRegistryOptions {
  version: string;
  /** VCS revision of the build; `unknown` when not stamped. */
  revision?: string;
  /** Collect prom-client's default `process_*`/`nodejs_*` metrics (default true). */
  defaultMetrics?: boolean;
}

/** A fresh registry for one agent process (never prom-client's global one). */
export function createAgentRegistry(options: AgentRegistryOptions): Registry {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'fleetlb_agent_build_info',
    help: 'Build metadata',
    labelNames: ['version', 'revision'],
    registers: [registry],
  }).set({ version: options.version, revision: options.revision ?? 'unknown' }, 1);
  return registry;
}
