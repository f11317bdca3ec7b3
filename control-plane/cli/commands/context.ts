/** @module `fleetlb context set|use|list|delete`: named control planes in the contexts file. */
import { resolve } from 'node:path';
import { stringOption, type Command } from '../command.js';
import { CliContext, loadConfigFile, saveConfigFile } from '../config.js';
import { CliError, EXIT, usageError } from '../exit-codes.js';
import { formatRows } from '../output.js';

const set: Command = {
  words: ['context', 'set'],
  summary: 'Create or change a context (and make it current if there is none)',
  usage: 'NAME [--url URL] [--token-file FILE | --token TOKEN] [--site SITE]',
  description:
    'Options not given keep their value. The token file path is stored absolute; prefer it over --token,\nwhich stores the token itself in the contexts file (written 0600).',
  options: {
    url: {
      type: 'string',
      value: 'URL',
      description: 'Control plane URL, e.g. http://127.0.0.1:8080',
    },
    'token-file': { type: 'string', value: 'FILE', description: 'File holding the API token' },
    token: { type: 'string', value: 'TOKEN', description: 'The API token itself' },
    site: {
      type: 'string',
      short: 's',
      value: 'SITE',
      description: 'Default site for commands of this context',
    },
  },
  args: { min: 1, max: 1 },
  async run(inv) {
    const name = inv.args[0]!;
    const path = inv.globals.configPath;
    const file = loadConfigFile(path);
    const before = file.contexts[name];
    const tokenFile = stringOption(inv.options, 'token-file');
    const token = stringOption(inv.options, 'token');
    if (tokenFile !== undefined && token !== undefined)
      throw usageError('pass --token-file or --token, not both');
    const next = {
      ...before,
      ...(stringOption(inv.options, 'url') === undefined
        ? {}
        : { url: stringOption(inv.options, 'url') }),
      ...(stringOption(inv.options, 'site') === undefined
        ? {}
        : { site: stringOption(inv.options, 'site') }),
    } as Record<string, unknown>;
    if (tokenFile !== undefined) {
      next.tokenFile = resolve(tokenFile);
      delete next.token;
    }
    if (token !== undefined) {
      next.token = token;
      delete next.tokenFile;
    }
    const parsed = CliContext.safeParse(next);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw usageError(`context ${name}: ${why}${before ? '' : ' (a new context needs --url)'}`);
    }
    file.contexts[name] = parsed.data;
    file.currentContext ??= name;
    saveConfigFile(path, file);
    inv.out(`context ${name} ${before ? 'updated' : 'created'} in ${path}\n`);
  },
};

/** The contexts file and the context the first argument names; exit 3 when there is none. */
function namedContext(inv: Parameters<Command['run']>[0]) {
  const name = inv.args[0]!;
  const path = inv.globals.configPath;
  const file = loadConfigFile(path);
  if (!file.contexts[name])
    throw new CliError(EXIT.notFound, `no context named ${name} in ${path}`);
  return { name, path, file };
}

const use: Command = {
  words: ['context', 'use'],
  summary: 'Make a context the current one',
  usage: 'NAME',
  options: {},
  args: { min: 1, max: 1 },
  async run(inv) {
    const { name, path, file } = namedContext(inv);
    file.currentContext = name;
    saveConfigFile(path, file);
    inv.out(`current context: ${name}\n`);
  },
};

const list: Command = {
  words: ['context', 'list'],
  summary: 'List contexts (the current one is marked *)',
  usage: '',
  options: {},
  args: { min: 0, max: 0 },
  async run(inv) {
    const file = loadConfigFile(inv.globals.configPath);
    const rows = Object.entries(file.contexts).map(([name, c]) => ({ name, ...c }));
    const data = {
      currentContext: file.currentContext ?? null,
      contexts: rows.map(({ token, ...rest }) => ({
        ...rest,
        ...(token ? { token: '********' } : {}),
      })),
    };
    inv.out(
      formatRows(
        inv.globals.output,
        [
          { header: 'CURRENT', value: (r) => (r.name === file.currentContext ? '*' : ' ') },
          { header: 'NAME', value: (r) => r.name },
          { header: 'URL', value: (r) => r.url },
          { header: 'TOKEN', value: (r) => r.tokenFile ?? (r.token ? '(inline)' : '') },
          { header: 'SITE', value: (r) => r.site ?? '' },
        ],
        rows,
        data,
      ),
    );
  },
};

const remove: Command = {
  words: ['context', 'delete'],
  summary: 'Delete a context',
  usage: 'NAME',
  options: {},
  args: { min: 1, max: 1 },
  async run(inv) {
    const { name, path, file } = namedContext(inv);
    delete file.contexts[name];
    if (file.currentContext === name) delete file.currentContext;
    saveConfigFile(path, file);
    inv.out(`context ${name} deleted\n`);
  },
};

export const contextCommands: Command[] = [set, use, list, remove];
