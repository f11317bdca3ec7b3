/**
 * @module Bearer tokens: `flb_` + 32 random bytes (base64url). Only their SHA-256 is stored (the
 * token has 256 bits of entropy, so a slow hash buys nothing). The cache in front of the
 * lookup is token-cache.ts.
 */
import { and, eq, gt, isNull, or } from 'drizzle-orm';
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/database.js';
import { apiTokens, directors, sites } from '../db/schema.js';
import type { Role } from './roles.js';

export interface Principal {
  tokenId: string;
  /** When the token stops working (undefined: never). */
  expiresAt?: Date;
  name: string;
  role: Role;
  /** Set for agent tokens: the director the token speaks for. */
  director?: { id: string; name: string; siteId: string; siteName: string };
}

export function generateToken(): string {
  return `flb_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Looks a token up in the database (not through the cache). */
export async function findPrincipal(
  db: Db,
  token: string,
  now: Date,
): Promise<Principal | undefined> {
  const [row] = await db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      role: apiTokens.role,
      expiresAt: apiTokens.expiresAt,
      directorId: directors.id,
      directorName: directors.name,
      siteId: sites.id,
      siteName: sites.name,
    })
    .from(apiTokens)
    .leftJoin(directors, eq(apiTokens.directorId, directors.id))
    .leftJoin(sites, eq(directors.siteId, sites.id))
    .where(
      and(
        eq(apiTokens.tokenHash, hashToken(token)),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
      ),
    )
    .limit(1);
  if (!row) return undefined;
  const principal: Principal = { tokenId: row.id, name: row.name, role: row.role };
  if (row.expiresAt) principal.expiresAt = row.expiresAt;
  if (row.role === 'agent') {
    if (!row.directorId || !row.directorName || !row.siteId || !row.siteName) return undefined;
    principal.director = {
      id: row.directorId,
      name: row.directorName,
      siteId: row.siteId,
      siteName: row.siteName,
    };
  }
  return principal;
}
