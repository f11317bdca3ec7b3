/**
 * @module API tokens (admin only): create (the token is returned once), list, revoke. An agent
 * token is bound to one director and can only pull that director's document and push its status.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { and, asc, eq, isNull } from 'drizzle-orm';
import {
  CreateToken,
  CreatedToken,
  TokenList,
  type Role,
  type TokenInfo,
} from '../../contract/index.js';
import { generateToken, hashToken } from '../auth/tokens.js';
import type { Db, Tx } from '../db/database.js';
import { apiTokens, directors, sites } from '../db/schema.js';
import { publish } from '../events/bus.js';
import { actorName, authorize } from '../http/auth.js';
import { createRouter } from '../http/openapi.js';
import { invalid, notFound } from '../http/problem.js';
import { recordAudit } from '../store/site-write.js';
import { findSite } from '../store/sites.js';
import { problemResponses } from './common.js';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const tags = ['tokens'];

const routes = {
  create: createRoute({
    method: 'post',
    path: '/v1/tokens',
    tags,
    summary: 'Create a token (shown once)',
    request: { body: { required: true, ...json(CreateToken) } },
    responses: {
      201: {
        description: 'The token and its record',
        ...json(CreatedToken),
      },
      ...problemResponses(400, 401, 403, 404, 413, 415, 422),
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/v1/tokens',
    tags,
    summary: 'List tokens (never their values)',
    request: { query: z.object({ includeRevoked: z.enum(['true', 'false']).default('false') }) },
    responses: {
      200: { description: 'Tokens', ...json(TokenList) },
      ...problemResponses(401, 403),
    },
  }),
  revoke: createRoute({
    method: 'delete',
    path: '/v1/tokens/{id}',
    tags,
    summary: 'Revoke a token',
    request: { params: z.object({ id: z.uuid() }) },
    responses: { 204: { description: 'Revoked' }, ...problemResponses(401, 403, 404) },
  }),
};

type TokenRow = typeof apiTokens.$inferSelect;

function present(row: TokenRow, director: string | null): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    director,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** Creates a token and returns it with its row. Used by the API and by `create-admin-token`. */
export async function createToken(
  tx: Tx | Db,
  input: {
    name: string;
    role: Role;
    directorId?: string | null;
    expiresAt?: Date | null;
    createdBy: string;
  },
): Promise<{ token: string; row: TokenRow }> {
  const token = generateToken();
  const [row] = await tx
    .insert(apiTokens)
    .values({
      name: input.name,
      role: input.role,
      directorId: input.directorId ?? null,
      tokenHash: hashToken(token),
      createdBy: input.createdBy,
      expiresAt: input.expiresAt ?? null,
    })
    .returning();
  return { token, row: row! };
}

export function tokenRoutes() {
  const app = createRouter();

  app.openapi(routes.create, async (c) => {
    const principal = authorize(c, 'secrets');
    const body = c.req.valid('json');
    const { db } = c.var.deps.database;
    const isAgent = body.role === 'agent';
    if (isAgent !== (body.site !== undefined && body.director !== undefined)) {
      throw invalid(
        [
          {
            path: ['director'],
            message: isAgent
              ? 'agent tokens need site and director'
              : 'only agent tokens name a director',
          },
        ],
        ['body'],
      );
    }
    let directorId: string | null = null;
    if (isAgent) {
      const site = await findSite(db, body.site!);
      const [d] = await db
        .select({ id: directors.id })
        .from(directors)
        .where(
          and(
            eq(directors.siteId, site.id),
            isNull(directors.parentId),
            eq(directors.name, body.director!),
          ),
        );
      if (!d) throw notFound(`director ${body.site}/${body.director}`);
      directorId = d.id;
    }
    const now = c.var.deps.clock.now();
    const expiresAt =
      body.expiresInS === undefined ? null : new Date(now.getTime() + body.expiresInS * 1000);
    const { token, row } = await c.var.deps.bus.transaction(async (tx) => {
      const created = await createToken(tx, {
        name: body.name,
        role: body.role,
        directorId,
        expiresAt,
        createdBy: actorName(principal),
      });
      await recordAudit(tx, actorName(principal), null, null, [
        {
          action: 'create',
          resourceType: 'token',
          resource: created.row.id,
          before: null,
          after: present(created.row, isAgent ? `${body.site}/${body.director}` : null),
        },
      ]);
      return created;
    });
    return c.json(
      { ...present(row, isAgent ? `${body.site}/${body.director}` : null), token },
      201,
    );
  });

  app.openapi(routes.list, async (c) => {
    authorize(c, 'secrets');
    const includeRevoked = c.req.valid('query').includeRevoked === 'true';
    const { db } = c.var.deps.database;
    const rows = await db
      .select({ token: apiTokens, director: directors.name, site: sites.name })
      .from(apiTokens)
      .leftJoin(directors, eq(apiTokens.directorId, directors.id))
      .leftJoin(sites, eq(directors.siteId, sites.id))
      .where(includeRevoked ? undefined : isNull(apiTokens.revokedAt))
      .orderBy(asc(apiTokens.createdAt));
    const items = rows.map((r) =>
      present(r.token, r.director && r.site ? `${r.site}/${r.director}` : null),
    );
    return c.json({ items }, 200);
  });

  app.openapi(routes.revoke, async (c) => {
    const principal = authorize(c, 'secrets');
    const { id } = c.req.valid('param');
    await c.var.deps.bus.transaction(async (tx) => {
      const [row] = await tx
        .update(apiTokens)
        .set({ revokedAt: c.var.deps.clock.now() })
        .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
        .returning();
      if (!row) throw notFound(`active token ${id}`);
      await recordAudit(tx, actorName(principal), null, null, [
        {
          action: 'revoke',
          resourceType: 'token',
          resource: id,
          before: present(row, null),
          after: null,
        },
      ]);
      await publish(tx, { type: 'tokens' });
    });
    return c.body(null, 204);
  });

  return app;
}
