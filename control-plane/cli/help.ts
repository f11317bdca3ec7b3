/** @module Help texts: the command overview and each command's usage and options. */
import type { Command, OptionSpec } from './command.js';
import { EXIT_CODES_HELP } from './exit-codes.js';

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  config: {
    type: 'string',
    value: 'FILE',
    description: 'Contexts file (env FLEETLB_CONFIG; default $XDG_CONFIG_HOME/fleetlb/config.json)',
  },
  context: {
    type: 'string',
    value: 'NAME',
    description: 'Context to use instead of the current one (env FLEETLB_CONTEXT)',
  },
  url: { type: 'string', value: 'URL', description: 'Control plane URL (env FLEETLB_URL)' },
  'token-file': {
    type: 'string',
    value: 'FILE',
    description:
      'File holding the API token (env FLEETLB_TOKEN_FILE; FLEETLB_TOKEN holds a token itself)',
  },
  output: {
    type: 'string',
    short: 'o',
    value: 'FORMAT',
    description: 'table (default), json or yaml',
  },
  help: { type: 'boolean', short: 'h', description: 'Show help' },
};

function optionLines(options: Record<string, OptionSpec>): string[] {
  const entries = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` ${spec.value}` : ''}`;
    return [flag, spec.description] as const;
  });
  const width = Math.max(...entries.map(([flag]) => flag.length));
  return entries.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`);
}

export function commandHelp(command: Command): string {
  const lines = [
    `Usage: fleetlb ${command.words.join(' ')}${command.usage ? ` ${command.usage}` : ''}`,
    '',
    command.summary,
  ];
  if (command.description) lines.push('', command.description.trimEnd());
  if (Object.keys(command.options).length > 0)
    lines.push('', 'Options:', ...optionLines(command.options));
  lines.push('', 'Global options:', ...optionLines(GLOBAL_OPTIONS), '', EXIT_CODES_HELP);
  return `${lines.join('\n').trimEnd()}\n`;
}

export function overviewHelp(commands: readonly Command[], prefix: string[] = []): string {
  const shown = commands.filter((c) => prefix.every((w, i) => c.words[i] === w));
  const names = shown.map((c) => c.words.join(' '));
  const width = Math.max(...names.map((n) => n.length));
  const list = shown.map((c, i) => `  ${names[i]!.padEnd(width)}  ${c.summary}`);
  return [
    `Usage: fleetlb ${prefix.length > 0 ? `${prefix.join(' ')} ` : ''}COMMAND [options]`,
    '',
    'The operator CLI of a fleetlb control plane.',
    '',
    'Commands:',
    ...list,
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    `Run 'fleetlb COMMAND --help' for a command's options.`,
    '',
    EXIT_CODES_HELP,
  ]
    .join('\n')
    .trimEnd()
    .concat('\n');
}
