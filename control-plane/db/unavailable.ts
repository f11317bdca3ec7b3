/**
 * @module Telling "the database is unavailable" apart from a bug. A lost, refused or terminated
 * connection is the database's state, not the request's fault: the API answers 503 with
 * Retry-After (RFC 9110 §15.6.4, §10.2.3) instead of a 500, and says whether a write may have
 * been committed.
 */

/**
 * SQLSTATEs meaning the server cannot serve us right now (PostgreSQL manual, Appendix A): class 08
 * (connection exception), 53300 too_many_connections, 57P01–57P03 (admin/crash shutdown,
 * cannot_connect_now), 55000 as raised for `ALLOW_CONNECTIONS false`, 3D000 for a database being
 * dropped or renamed under a failover.
 */
const UNAVAILABLE_SQLSTATE = /^(08...|53300|57P0[123]|3D000)$/;

/** postgres.js and Node socket error codes for a connection that is gone or never came. */
const UNAVAILABLE_CLIENT = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** What is known of a write's effect when the database went away under it. */
export type WriteOutcome = 'not-applied' | 'unknown';

/** Thrown by the event bus's transactions: the database went away, and whether it committed. */
export class DatabaseUnavailable extends Error {
  constructor(
    readonly outcome: WriteOutcome,
    cause: unknown,
  ) {
    super(`database unavailable (${outcome})`, { cause });
  }
}

function code(err: object): unknown {
  return (err as { code?: unknown }).code;
}

/** Whether `err` (or an error it wraps, as drizzle does) says the database is unavailable. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Object && depth < 5; depth++) {
    if (e instanceof DatabaseUnavailable) return true;
    const c = code(e);
    if (typeof c === 'string') {
      if (UNAVAILABLE_CLIENT.has(c)) return true;
      if (
        c === '55000' &&
        /not currently accepting connections/i.test(String((e as Error).message))
      )
        return true;
      if (UNAVAILABLE_SQLSTATE.test(c)) return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** A short reason for logs and /readyz, without the query text drizzle puts in its messages. */
export function unavailableReason(err: unknown): string {
  for (let e = err, depth = 0; e instanceof Object && depth < 5; depth++) {
    const c = code(e);
    if (typeof c === 'string' && !(e instanceof DatabaseUnavailable)) {
      const message = e instanceof Error ? e.message.split('\n')[0] : '';
      return message && !message.startsWith('Failed query') ? `${c}: ${message}` : c;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return 'database unreachable';
}
