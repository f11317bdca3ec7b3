/**
 * @module API tokens' wire shapes (`/v1/tokens`, admins only): the roles, a token's record (never
 * its value, except once in the answer that creates it) and the request that creates one. An
 * agent token is bound to one director.
 */
import { z } from 'zod';
import { Name, Text } from './common.js';
import { strictObject } from './unknown-fields.js';

/**
 * - admin: everything, including secrets and tokens;
 * - operator: read everything but secrets; change real servers' weight and admin state (drain);
 * - viewer: read everything but secrets;
 * - agent: one per director: read its own desired state, write its own status.
 */
export const ROLES = ['admin', 'operator', 'viewer', 'agent'] as const;
export const Role = z.enum(ROLES);
export type Role = z.output<typeof Role>;

export const CreateToken = strictObject({
  name: Text(128).min(1),
  role: Role,
  site: Name.optional().meta({ description: 'Agent tokens: the site of the director' }),
  director: Name.optional().meta({
    description: 'Agent tokens: the director the token speaks for',
  }),
  expiresInS: z
    .int()
    .min(60)
    .max(10 * 365 * 86400)
    .optional(),
}).meta({ id: 'CreateToken' });
export type CreateToken = z.output<typeof CreateToken>;

export const TokenInfo = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: Role,
    director: z.string().nullable().meta({ description: 'site/director of an agent token' }),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'TokenInfo' });
export type TokenInfo = z.output<typeof TokenInfo>;

/** The answer to a create: the record and, this once, the token itself. */
export const CreatedToken = TokenInfo.extend({
  token: z.string().meta({ description: 'The bearer token: shown once, store it now' }),
}).meta({ id: 'CreatedToken' });
export type CreatedToken = z.output<typeof CreatedToken>;

export const TokenList = z.object({ items: z.array(TokenInfo) }).meta({ id: 'TokenList' });
export type TokenList = z.output<typeof TokenList>;
