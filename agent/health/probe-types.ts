/** @module What every probe takes (target, timeout, abort signal) and how Node errors map to reasons. */
import type { HealthCheck } from '../../contract/health-check.js';
import type { FailureReason } from '../core/health/result.js';

/** The spec of one check type, e.g. `CheckOf<'http'>`. */
export type CheckOf<T extends HealthCheck['type']> = Extract<HealthCheck, { type: T }>;

/** Where to probe: the real server's address and the check's port (or the real server's). */
export interface ProbeTarget {
  address: string;
  port: number;
}

export interface ProbeOptions {
  /** The whole probe (connect, request, reply) must finish within this. */
  timeoutMs: number;
  /** Aborting resolves the probe as failed (`error`, "aborted") and releases its socket/process. */
  signal?: AbortSignal | undefined;
  /** Told when the deadline was extended because the agent itself was stalled (deadline.ts). */
  onStall?: ((lateMs: number, extendedMs: number) => void) | undefined;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

/** The failure reason for an error thrown or emitted by node:net/http/tls/dgram. */
export function reasonOfError(err: unknown): FailureReason {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return 'error';
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH') return 'refused';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return 'tls';
  }
  return 'error';
}

/** A short, log-only description of an error. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
