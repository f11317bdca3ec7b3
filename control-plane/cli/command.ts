/**
 * @module What a CLI command is: its words (`token create`), help text, options and handler,
 * and what a handler gets (arguments, option values, global options, I/O, an API client).
 */
import type { ApiClient } from './http-client.js';
import type { OutputFormat } from './output.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder shown in help, e.g. `FILE`. */
  value?: string;
  description: string;
}

export interface GlobalOptions {
  configPath: string;
  context: string | undefined;
  output: OutputFormat;
}

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readStdin(): Promise<string>;
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface Invocation {
  args: string[];
  options: OptionValues;
  globals: GlobalOptions;
  io: Io;
  /** The API client for the selected context (throws usage/auth errors when unconfigured). */
  client(): ApiClient;
  /** The site to use: `--site`, else FLEETLB_SITE, else the context's default site. */
  site(): string;
  /** The same, or undefined when none is set. */
  defaultSite(): string | undefined;
  out(text: string): void;
  err(text: string): void;
}

export interface Command {
  words: string[];
  summary: string;
  /** Arguments after the command words, e.g. `NAME --url URL [--token-file FILE]`. */
  usage: string;
  description?: string;
  options: Record<string, OptionSpec>;
  /** How many positional arguments it takes. */
  args: { min: number; max: number };
  run(inv: Invocation): Promise<number | void>;
}

/** A string option's value, or undefined. */
export function stringOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

export const SITE_OPTION: Record<string, OptionSpec> = {
  site: {
    type: 'string',
    short: 's',
    value: 'SITE',
    description: 'The site (default: FLEETLB_SITE, else the context site)',
  },
};
