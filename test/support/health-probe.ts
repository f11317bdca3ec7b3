/** @module Shared by the health probe tests: run a check spec against 127.0.0.1, and assert a failure reason. */
import assert from 'node:assert/strict';
import { HealthCheck, type HealthCheckInput } from '../../contract/health-check.js';
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
