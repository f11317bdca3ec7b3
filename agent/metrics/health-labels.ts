/** @module Closed label enums of the real server / health check metrics and their mappings. */
import type { HealthCheck } from '../../contract/health-check.js';
import type { RealServerSpec } from '../../contract/virtual-server.js';
import type { FailureReason } from '../core/health/result.js';

/** `fleetlb_real_server_state{state}`: every value is always exported. */
export const REAL_SERVER_STATES = ['up', 'down', 'draining', 'disabled'] as const;
export type RealServerMetricState = (typeof REAL_SERVER_STATES)[number];

/** `fleetlb_healthcheck_failures_total{reason}`. */
export const HEALTHCHECK_FAILURE_REASONS = [
  'timeout',
  'refused',
  'bad_status',
  'tls',
  'other',
] as const;
export type HealthcheckFailureLabel = (typeof HEALTHCHECK_FAILURE_REASONS)[number];

/** `fleetlb_healthcheck_duration_seconds{check}`: every check type of the contract. */
export const CHECK_TYPES = [
  'tcp',
  'udp',
  'http',
  'https',
  'dns',
  'script',
  'smtp',
  'file',
] as const;
export type CheckType = HealthCheck['type'];

/**
 * Probe failure → label. An answer with the wrong content (`status`, `digest`, `body`) is
 * `bad_status`; `dns` (resolution or DNS-check answer), `exit` (script exit code) and `error`
 * have no catalogue value and read as `other`.
 */
const FAILURE_LABEL: Readonly<Record<FailureReason, HealthcheckFailureLabel>> = {
  timeout: 'timeout',
  refused: 'refused',
  status: 'bad_status',
  digest: 'bad_status',
  body: 'bad_status',
  tls: 'tls',
  dns: 'other',
  exit: 'other',
  file: 'other',
  error: 'other',
};

export function failureLabel(reason: FailureReason): HealthcheckFailureLabel {
  return FAILURE_LABEL[reason] ?? 'other';
}

/** The state a real server starts in: its admin state, else up without checks, else down. */
export function initialState(rs: RealServerSpec): RealServerMetricState {
  if (rs.adminState !== 'enabled') return rs.adminState;
  return rs.checks.length === 0 ? 'up' : 'down';
}
