/**
 * @module Bearer-token authentication for every /v1 route, and the permission check handlers
 * call. A missing or unknown token is a 401; a known token without the permission, a 403; a
 * source that sends too many unknown tokens, a 429 (token-cache.ts). Only headers are read.
 */
import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import { can, type Permission } from '../auth/roles.js';
import type { Principal } from '../auth/tokens.js';
import type { AppEnv } from './context.js';
import { forbidden, Problem } from './problem.js';

const unauthorized = (detail: string) => new Problem(401, 'unauthorized', 'Unauthorized', detail);

/** A source past its allowance of unknown tokens (token-cache.ts). */
export const throttled = () =>
  new Problem(
    429,
    'too-many-requests',
    'Too many requests',
    'too many unknown tokens from this address; retry later',
    undefined,
    { 'retry-after': '1' },
  );

/** The bearer token of an Authorization header value, if it has that form. */
export function bearerToken(header: string | undefined): string | undefined {
  return header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
}

export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (!token) throw unauthorized('send Authorization: Bearer <token>');
    const { tokens, clock } = c.var.deps;
    const source = (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket.remoteAddress;
    const principal = await tokens.authenticate(token, clock.now(), source);
    if (principal === 'throttled') throw throttled();
    if (principal === 'unknown') throw unauthorized('the token is unknown, revoked or expired');
    c.set('principal', principal);
    await next();
  };
}

/**
 * A coarse role check that runs before request validation, so a caller who may not make a
 * request at all learns that (403) rather than how its body would have been judged (422).
 * Handlers still call `authorize` for the precise permission.
 */
export function gate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { role } = c.var.principal;
    const agentRoute = c.req.path.startsWith('/v1/agent/');
    if (agentRoute !== (role === 'agent')) {
      throw forbidden(
        role === 'agent'
          ? 'agent tokens may only use /v1/agent/'
          : `role ${role} may not use the agent protocol`,
      );
    }
    const writes = c.req.method !== 'GET' && c.req.method !== 'HEAD';
    if (writes && role === 'viewer') throw forbidden('role viewer may only read');
    await next();
  };
}

/** Throws 403 unless the caller holds `permission`; returns the caller. */
export function authorize(c: Context<AppEnv>, permission: Permission): Principal {
  const principal = c.var.principal;
  if (!can(principal.role, permission)) {
    throw forbidden(
      `role ${principal.role} may not ${permission === 'agent' ? 'use the agent protocol' : permission}`,
    );
  }
  return principal;
}

/** The audit log's name for a caller. */
export function actorName(principal: Principal): string {
  return `${principal.role}:${principal.name}`;
}
