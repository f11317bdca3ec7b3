/** @module `fleetlb token create|list|revoke`: API tokens (admins only); a new token is shown once. */
import type { CreatedToken, TokenInfo, TokenList } from '../../../contract/token.js';
import { stringOption, type Command } from '../command.js';
import { usageError } from '../exit-codes.js';
import { parseDurationMs } from '../duration.js';
import { formatRows, serialize } from '../output.js';
import type { Column } from '../table.js';

const COLUMNS: Column<TokenInfo>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'NAME', value: (t) => t.name },
  { header: 'ROLE', value: (t) => t.role },
  { header: 'DIRECTOR', value: (t) => t.director ?? '' },
  { header: 'CREATED', value: (t) => t.createdAt },
  { header: 'EXPIRES', value: (t) => t.expiresAt ?? 'never' },
  { header: 'REVOKED', value: (t) => t.revokedAt ?? '' },
];

const create: Command = {
  words: ['token', 'create'],
  summary: 'Create a token (printed once: store it now)',
  usage:
    '--name NAME --role admin|operator|viewer|agent [--site SITE --director NAME] [--expires-in 90d]',
  description:
    'Agent tokens are bound to one director (--site and --director). In table output only the token is\nprinted on stdout (its record goes to stderr), so `fleetlb token create ... > file` stores it.',
  options: {
    name: { type: 'string', value: 'NAME', description: 'What the token is for' },
    role: { type: 'string', value: 'ROLE', description: 'admin, operator, viewer or agent' },
    site: {
      type: 'string',
      short: 's',
      value: 'SITE',
      description: "Agent tokens: the director's site",
    },
    director: { type: 'string', value: 'NAME', description: 'Agent tokens: the director' },
    'expires-in': {
      type: 'string',
      value: 'DURATION',
      description: 'Lifetime, e.g. 90d, 12h (default: no expiry)',
    },
  },
  args: { min: 0, max: 0 },
  async run(inv) {
    const name = stringOption(inv.options, 'name');
    const role = stringOption(inv.options, 'role');
    if (name === undefined || role === undefined)
      throw usageError('token create needs --name and --role');
    const expires = stringOption(inv.options, 'expires-in');
    const days = expires?.match(/^(\d+)d$/);
    const expiresInS =
      expires === undefined
        ? undefined
        : days
          ? Number(days[1]) * 86400
          : Math.round(parseDurationMs(expires) / 1000);
    const body = {
      name,
      role,
      site: stringOption(inv.options, 'site'),
      director: stringOption(inv.options, 'director'),
      expiresInS,
    };
    const created = (await inv.client().request<CreatedToken>('POST', '/v1/tokens', { body })).body;
    if (inv.globals.output !== 'table') {
      inv.out(serialize(created, inv.globals.output));
      return;
    }
    inv.err(`created ${created.role} token ${created.id} (${created.name}); it is shown once:`);
    inv.out(`${created.token}\n`);
  },
};

const list: Command = {
  words: ['token', 'list'],
  summary: 'List tokens (never their values)',
  usage: '[--include-revoked]',
  options: { 'include-revoked': { type: 'boolean', description: 'Also list revoked tokens' } },
  args: { min: 0, max: 0 },
  async run(inv) {
    const query = { includeRevoked: inv.options['include-revoked'] === true ? 'true' : 'false' };
    const items = (await inv.client().get<TokenList>('/v1/tokens', query)).body.items;
    inv.out(formatRows(inv.globals.output, COLUMNS, items));
  },
};

const revoke: Command = {
  words: ['token', 'revoke'],
  summary: 'Revoke a token by its ID',
  usage: 'ID',
  options: {},
  args: { min: 1, max: 1 },
  async run(inv) {
    const id = inv.args[0]!;
    if (!/^[0-9a-f-]{36}$/i.test(id))
      throw usageError(`${id} is not a token ID (a UUID; see fleetlb token list)`);
    await inv.client().request('DELETE', `/v1/tokens/${id}`);
    inv.out(`token ${id} revoked\n`);
  },
};

export const tokenCommands: Command[] = [create, list, revoke];
