/**
 * @module Measurement 1: how many `304 Not Modified` answers to `GET /v1/agent/config` with a
 * current `If-None-Match` (and no `wait`) the server gives per second, and per second of its CPU.
 */
import type { AdminClient } from './http.js';
import { httpRequest } from './http.js';
import { runLoad, type ServerProcess } from './processes.js';
import { machineBusyCores, machineCpu } from './report.js';
import type { LoadResult } from './shared.js';

export interface ThroughputResult extends LoadResult {
  connections: number;
  /** 304s per second of server CPU time (user + system) during the measured run. */
  perServerCore: number;
  /** Server CPU time / wall time during the measured run (1 = one core busy all along). */
  serverCores: number;
  /** Load generator CPU time / wall time. */
  loadCores: number;
  /** Cores busy on the whole machine (all processes, ours or not) during the measured run. */
  machineBusyCores: number;
}

export async function measureThroughput(
  server: ServerProcess,
  admin: AdminClient,
  options: { connections: number; warmupS: number; durationS: number },
): Promise<ThroughputResult> {
  const { url, site } = server.hello;
  const token = await admin.agentToken(site, 'lb1');
  const path = `${url}/v1/agent/config`;
  const first = await httpRequest(path, {
    headers: { authorization: `Bearer ${token}` },
    agent: admin.agent,
    timeoutMs: 10_000,
  });
  const etag = first.headers.etag;
  if (first.status !== 200 || !etag)
    throw new Error(`GET /v1/agent/config: ${first.status} ${first.text}`);
  const check = await httpRequest(path, {
    headers: { authorization: `Bearer ${token}`, 'if-none-match': etag },
    agent: admin.agent,
    timeoutMs: 10_000,
  });
  if (check.status !== 304)
    throw new Error(`GET /v1/agent/config with If-None-Match ${etag}: ${check.status}, not 304`);

  let cpuAtStart = 0;
  let machineAtStart = machineCpu();
  const load = await runLoad({ url: path, auth: { token, etag }, ...options }, async () => {
    cpuAtStart = await server.cpuSeconds();
    machineAtStart = machineCpu();
  });
  const machine = machineBusyCores(machineAtStart);
  const serverCpuS = (await server.cpuSeconds()) - cpuAtStart;
  const notModified = load.statusCodes['304'] ?? 0;
  const others = Object.entries(load.statusCodes).filter(([code]) => code !== '304');
  if (others.length > 0 || load.errors > 0) {
    throw new Error(
      `expected only 304s, got ${JSON.stringify(load.statusCodes)} and ${load.errors} errors`,
    );
  }
  return {
    ...load,
    connections: options.connections,
    perServerCore: notModified / serverCpuS,
    serverCores: serverCpuS / load.durationS,
    loadCores: load.cpuS / load.durationS,
    machineBusyCores: machine,
  };
}
