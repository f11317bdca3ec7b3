/**
 * @module Dispatch: finds the command named by the leading words, parses its options with
 * `node:util` parseArgs (strict: unknown options are usage errors), resolves the connection
 * lazily, runs it, and turns errors into exit codes.
 */
import { parseArgs } from 'node:util';
import { COMMANDS } from './commands/index.js';
import type {
  Command,
  GlobalOptions,
  Invocation,
  Io,
  OptionSpec,
  OptionValues,
} from './command.js';
import { readEnvironment, type CliEnvironment } from './config.js';
import { resolveConnection } from './connection.js';
import { CliError, EXIT, usageError } from './exit-codes.js';
import { commandHelp, GLOBAL_OPTIONS, overviewHelp } from './help.js';
import { ApiClient } from './http-client.js';
import { parseOutputFormat } from './output.js';

type ParseOptions = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function parseOptions(specs: Record<string, OptionSpec>): ParseOptions {
  return Object.fromEntries(
    Object.entries(specs).map(([name, s]) => [
      name,
      s.short ? { type: s.type, short: s.short } : { type: s.type },
    ]),
  );
}

/** Every option any command knows, to find the command words before strict parsing. */
function allOptions(): ParseOptions {
  const merged: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS };
  for (const command of COMMANDS) Object.assign(merged, command.options);
  return parseOptions(merged);
}

function findCommand(positionals: string[]): Command | undefined {
  return COMMANDS.filter((c) => c.words.every((w, i) => positionals[i] === w)).sort(
    (a, b) => b.words.length - a.words.length,
  )[0];
}

export async function runCli(
  argv: string[],
  io: Io,
  env: CliEnvironment = readEnvironment(),
): Promise<number> {
  const err = (text: string) => io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  try {
    return await dispatch(argv, io, env);
  } catch (error) {
    if (error instanceof CliError) {
      err(`error: ${error.message}`);
      if (error.exitCode === EXIT.usage) err(`Run 'fleetlb --help' for usage.`);
      return error.exitCode;
    }
    err(`error: ${(error as Error).stack ?? String(error)}`);
    return EXIT.error;
  }
}

async function dispatch(argv: string[], io: Io, env: CliEnvironment): Promise<number> {
  let loose;
  try {
    loose = parseArgs({ args: argv, options: allOptions(), strict: false, allowPositionals: true });
  } catch (error) {
    throw usageError((error as Error).message);
  }
  let words = loose.positionals;
  const helpWanted = loose.values.help === true || words[0] === 'help';
  if (words[0] === 'help') words = words.slice(1);
  const command = findCommand(words);
  if (!command) {
    const group = COMMANDS.some((c) => c.words[0] === words[0]) ? [words[0]!] : [];
    if (words.length > 0 && group.length === 0 && !helpWanted)
      throw usageError(`unknown command ${words[0]}`);
    const text = overviewHelp(COMMANDS, group);
    if (helpWanted) {
      io.stdout.write(text);
      return EXIT.ok;
    }
    io.stderr.write(text);
    return EXIT.usage;
  }
  if (helpWanted) {
    io.stdout.write(commandHelp(command));
    return EXIT.ok;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: parseOptions({ ...GLOBAL_OPTIONS, ...command.options }),
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw usageError(
      `${(error as Error).message} (see 'fleetlb ${command.words.join(' ')} --help')`,
    );
  }
  const args = parsed.positionals.slice(command.words.length);
  if (args.length < command.args.min || args.length > command.args.max) {
    throw usageError(
      `fleetlb ${command.words.join(' ')} takes ${command.usage || 'no arguments'} (got ${args.length} argument${args.length === 1 ? '' : 's'})`,
    );
  }
  const values = parsed.values as OptionValues;
  const str = (name: string) =>
    typeof values[name] === 'string' ? (values[name] as string) : undefined;
  const globals: GlobalOptions = {
    configPath: str('config') ?? env.configPath ?? env.defaultConfigPath,
    context: str('context') ?? env.context,
    output: parseOutputFormat(str('output')),
  };
  const connection = () =>
    resolveConnection(
      {
        configPath: globals.configPath,
        context: globals.context,
        url: str('url'),
        tokenFile: str('token-file'),
      },
      env,
    );
  let client: ApiClient | undefined;
  const invocation: Invocation = {
    args,
    options: values,
    globals,
    io,
    client() {
      if (!client) {
        const { url, token } = connection();
        client = new ApiClient(url, token);
      }
      return client;
    },
    defaultSite: () => str('site') ?? connection().site,
    site() {
      const site = invocation.defaultSite();
      if (site === undefined)
        throw usageError('this needs a site: pass --site SITE (or set one in the context)');
      return site;
    },
    out: (text) => io.stdout.write(text),
    err: (text) => io.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  };
  return (await command.run(invocation)) ?? EXIT.ok;
}
