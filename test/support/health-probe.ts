/** @module Shared by the health probe tests: run a check spec against 127.0.0.1, and assert a failure reason. */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import { HealthCheck, type HealthCheckInput } from '../../contract/health-check.js';
import { DirectorVirtualServer } from '../../contract/virtual-server.js';
import type { ProbeResult } from '../../agent/core/health/result.js';
import { runProbe } from '../../agent/health/probe.js';

export const HOST = '127.0.0.1';

/** Runs the (contract-parsed) check against `HOST:port`. */
export function probe(
  input: HealthCheckInput,
  port: number,
  timeoutMs = 500,
): Promise<ProbeResult> {
  return runProbe(HealthCheck.parse(input), { address: HOST, port }, { timeoutMs });
}

/** The probe failed, with `reason`. */
export function assertFails(r: ProbeResult, reason: string): void {
  assert.equal(r.ok, false, `expected failure ${reason}`);
  if (!r.ok) assert.equal(r.reason, reason, r.detail);
}

/**
 * A TCP server on `HOST` for the test file (its own before/after hooks) that answers the first
 * bytes of each connection with `answer()` as latin1 text, then closes; `port()` once started.
 */
export function rawAnswerServer(answer: () => string): { port: () => number } {
  const server = createServer((socket) => {
    socket.once('data', () => socket.end(answer(), 'latin1'));
    socket.on('error', () => undefined);
  });
  let port = 0;
  before(async () => {
    await new Promise<void>((r) => server.listen(0, HOST, r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());
  return { port: () => port };
}

/** One virtual server `web` (192.0.2.100:80/tcp) with `realServers` and `checkDefaults`. */
export function webVirtualServer(
  realServers: Record<string, unknown>[],
  checkDefaults: Record<string, number>,
): DirectorVirtualServer {
  return DirectorVirtualServer.parse({
    name: 'web',
    family: 'ipv4',
    address: '192.0.2.100',
    port: 80,
    protocol: 'tcp',
    checkDefaults,
    realServers,
  });
}
