/** @module Pieces shared by the route modules: problem responses, pagination, ETags. */
import { z } from '@hono/zod-openapi';
import { Name, parseSelector, ProblemDetails, type Selector } from '../../contract/index.js';
import { badRequest, preconditionFailed } from '../http/problem.js';

const PROBLEM_TEXT: Record<number, string> = {
  400: 'Malformed request',
  401: 'Missing or invalid token',
  403: 'Not allowed for this role',
  404: 'Not found',
  409: 'Conflicts with the current state',
  412: 'If-Match does not match the current ETag',
  413: 'Body too large',
  415: 'Body is not JSON',
  422: 'Validation failed (see errors)',
};

/** OpenAPI response entries for the given problem statuses. */
export function problemResponses<S extends keyof typeof PROBLEM_TEXT>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      {
        description: PROBLEM_TEXT[s],
        content: { 'application/problem+json': { schema: ProblemDetails } },
      },
    ]),
  ) as Record<
    S,
    {
      description: string;
      content: { 'application/problem+json': { schema: typeof ProblemDetails } };
    }
  >;
}

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z
    .string()
    .max(200)
    .optional()
    .meta({ description: 'The nextCursor of the previous page' }),
});

export const encodeCursor = (name: string) => Buffer.from(name).toString('base64url');
/** The name a cursor stands for; a cursor that is not one of ours is a 400. */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const name = Buffer.from(cursor, 'base64url').toString();
  if (!Name.safeParse(name).success)
    throw badRequest('invalid cursor: pass the nextCursor of the previous page');
  return name;
}

/** A strong ETag from a row version. */
export const etagOf = (version: number) => `"${version}"`;

/**
 * Enforces `If-Match` (RFC 9110 §13.1.1, strong comparison) against the current version;
 * `undefined` current means the resource does not exist.
 */
export function checkIfMatch(header: string | undefined, current: number | undefined): void {
  if (header === undefined) return;
  if (header.trim() === '*') {
    if (current === undefined) throw preconditionFailed('the resource does not exist');
    return;
  }
  const tags = header.split(',').map((t) => t.trim());
  if (current === undefined || !tags.includes(etagOf(current))) {
    throw preconditionFailed(
      `the resource changed: current ETag is ${current === undefined ? 'none' : etagOf(current)}`,
    );
  }
}

/** Enforces `If-None-Match: *` (create only) on PUT. */
export function checkIfNoneMatch(header: string | undefined, current: number | undefined): void {
  if (header?.trim() === '*' && current !== undefined)
    throw preconditionFailed('the resource already exists');
}

/** Parses a `?selector=` query value; a malformed one is a 400 naming the bad term. */
export function selectorParam(text: string | undefined): Selector {
  try {
    return parseSelector(text ?? '');
  } catch (err) {
    throw badRequest((err as Error).message);
  }
}
