/**
 * @module RFC 9457 problem details: the one error shape of the API. Handlers throw `Problem`;
 * `onError` turns it (and Hono's own HTTPExceptions) into `application/problem+json`, an
 * unavailable database into a 503 with Retry-After, and any other error into a 500 that carries
 * no stack trace.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import {
  formatPath,
  type FieldError,
  type Issue,
  type ProblemDetails,
} from '../../contract/index.js';
import {
  DatabaseUnavailable,
  isDatabaseUnavailable,
  unavailableReason,
} from '../db/unavailable.js';

export type { FieldError };

/** An error the client can act on. `slug` names the problem type (`urn:fleetlb:problem:<slug>`). */
export class Problem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    /** Extra response headers, such as Retry-After on a 503. */
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
  }
}

export const notFound = (what: string) =>
  new Problem(404, 'not-found', 'Not found', `${what} does not exist`);
export const conflict = (detail: string, issues?: Issue[]) =>
  new Problem(
    409,
    'conflict',
    'Conflict',
    detail,
    issues?.map((i) => ({ path: formatPath(i.path), message: i.message })),
  );
export const forbidden = (detail: string) => new Problem(403, 'forbidden', 'Forbidden', detail);
export const badRequest = (detail: string) =>
  new Problem(400, 'bad-request', 'Bad request', detail);
export const preconditionFailed = (detail: string) =>
  new Problem(412, 'precondition-failed', 'Precondition failed', detail);

/** 422 with one entry per semantic issue, paths in `a.b[0].c` form. */
export function invalid(issues: Issue[], prefix: (string | number)[] = []): Problem {
  return new Problem(
    422,
    'validation-failed',
    'Validation failed',
    `${issues.length} problem${issues.length === 1 ? '' : 's'} in the request`,
    issues.map((i) => ({ path: formatPath([...prefix, ...i.path]), message: i.message })),
  );
}

/** Seconds a client should wait before retrying while the database is unavailable. */
export const DATABASE_RETRY_AFTER_S = 1;

/**
 * 503 for a request the database could not serve. For a write, the detail says whether it was
 * applied: not applied when the connection was lost before COMMIT, unknown when lost during it
 * (or outside a transaction), so a client reads back before retrying a non-idempotent write.
 */
export function databaseUnavailable(method: string, err: unknown): Problem {
  const write = method !== 'GET' && method !== 'HEAD';
  const outcome = err instanceof DatabaseUnavailable ? err.outcome : 'unknown';
  const detail = !write
    ? 'the database is unavailable; retry later'
    : outcome === 'not-applied'
      ? 'the database is unavailable; the write was not applied, retry later'
      : 'the database became unavailable during the write: its outcome is unknown (it may have been committed); read the object back before retrying';
  return new Problem(503, 'database-unavailable', 'Service unavailable', detail, undefined, {
    'retry-after': String(DATABASE_RETRY_AFTER_S),
  });
}

/** The problem+json text and headers of `problem` for a request to `instance` (a path). */
export function renderProblem(
  problem: Problem,
  instance: string,
): { body: string; headers: Record<string, string> } {
  const body: ProblemDetails = {
    type: `urn:fleetlb:problem:${problem.slug}`,
    title: problem.title,
    status: problem.status,
    ...(problem.detail !== undefined ? { detail: problem.detail } : {}),
    instance,
    ...(problem.errors ? { errors: problem.errors } : {}),
  };
  const headers: Record<string, string> = {
    ...problem.headers,
    'content-type': 'application/problem+json',
  };
  if (problem.status === 401) headers['www-authenticate'] = 'Bearer realm="fleetlb"';
  return { body: JSON.stringify(body), headers };
}

export function problemResponse(c: Context, problem: Problem): Response {
  const { body, headers } = renderProblem(problem, new URL(c.req.url).pathname);
  return c.body(body, problem.status, headers);
}

const HONO_SLUGS: Record<number, [string, string]> = {
  400: ['bad-request', 'Bad request'],
  401: ['unauthorized', 'Unauthorized'],
  413: ['payload-too-large', 'Payload too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
};

/**
 * PostgreSQL refuses some text that JSON allows (a NUL character, invalid UTF-8): that is bad
 * input, not a server fault. Returns the message for the client, or undefined for other errors.
 */
function unstorableInput(err: Error): string | undefined {
  const code =
    (err.cause as { code?: unknown } | undefined)?.code ?? (err as { code?: unknown }).code;
  const message = `${err.message} ${(err.cause as Error | undefined)?.message ?? ''}`;
  if (
    code === '22P05' ||
    code === '22021' ||
    (code === '22P02' && /unicode|surrogate|\\u0000/i.test(message))
  )
    return 'the request contains text that cannot be stored (such as a NUL character)';
  return undefined;
}

/** The app's `onError`: every error leaves as problem details; only real bugs are 500s. */
export function errorHandler(logger: Logger) {
  return (err: Error, c: Context): Response => {
    if (err instanceof Problem) return problemResponse(c, err);
    if (err instanceof HTTPException) {
      const [slug, title] = HONO_SLUGS[err.status] ?? ['http-error', 'HTTP error'];
      return problemResponse(
        c,
        new Problem(err.status as ContentfulStatusCode, slug, title, err.message || title),
      );
    }
    if (isDatabaseUnavailable(err)) {
      logger.warn(
        { method: c.req.method, path: new URL(c.req.url).pathname, reason: unavailableReason(err) },
        'database unavailable',
      );
      return problemResponse(c, databaseUnavailable(c.req.method, err));
    }
    const unstorable = unstorableInput(err);
    if (unstorable) return problemResponse(c, badRequest(unstorable));
    logger.error(
      { err, method: c.req.method, path: new URL(c.req.url).pathname },
      'unhandled error',
    );
    return problemResponse(
      c,
      new Problem(500, 'internal', 'Internal server error', 'The error was logged'),
    );
  };
}
