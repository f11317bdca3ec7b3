/**
 * @module The CLI's exit codes (documented in `fleetlb --help`) and the error that carries one.
 * Commands throw `CliError`; main.ts prints its message and exits with its code.
 */

export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  drainTimeout: 5,
  /** drain --wait, apply --wait or director maintenance --wait ran out of time. */
  timeout: 5,
  unauthorized: 6,
  unreachable: 7,
  splitBrain: 8,
  noMaster: 9,
  notFresh: 10,
  refused: 11,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `Exit codes:
  0  ok
  1  error, or the API refused the request (validation, server error)
  2  usage error (unknown command or option, missing argument)
  3  not found
  4  conflict: the object changed since it was read (ETag mismatch), or already exists / still referenced
     (or director maintenance refused: an instance would be left with no healthy backup)
  5  drain --wait timed out before the real servers were drained, apply --wait before every
     director applied the new revision, or director maintenance --wait before every instance had
     a new master owning its VIPs
  6  unauthorized or forbidden (bad, revoked or under-privileged token)
  7  control plane unreachable
  8  status: split brain (a VRRP instance has more than one master)
  9  status: no master (a VRRP instance has none)
 10  status: a director is stale (no fresh report), stopped, or of unknown state in an instance
      (status exits with the first of 8, 9, 10 that applies, 0 when none does)
 11  apply --wait: a director refused the new revision (its reasons are printed)
`;

/** An error with the exit code the CLI should end with. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(EXIT.usage, message);

/** The exit code for an HTTP error status. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT.unauthorized;
  if (status === 404) return EXIT.notFound;
  if (status === 409 || status === 412) return EXIT.conflict;
  return EXIT.error;
}
