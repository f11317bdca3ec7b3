/**
 * @module The CLI's configuration: the contexts file (named control planes with their URL and
 * token, and the current one) and the environment overrides. The only CLI module that reads
 * `process.env`. The file is written 0600 (it may hold a token) in a 0700 directory.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { CliError, EXIT } from './exit-codes.js';

export const CliContext = z.object({
  url: z.url(),
  tokenFile: z.string().min(1).optional(),
  token: z.string().min(1).optional(),
  site: z.string().min(1).optional(),
});
export type CliContext = z.output<typeof CliContext>;

export const CliConfigFile = z.object({
  currentContext: z.string().optional(),
  contexts: z.record(z.string(), CliContext).default({}),
});
export type CliConfigFile = z.output<typeof CliConfigFile>;

/** What the environment sets (FLEETLB_*), read once. */
export interface CliEnvironment {
  configPath: string | undefined;
  context: string | undefined;
  url: string | undefined;
  token: string | undefined;
  tokenFile: string | undefined;
  site: string | undefined;
  defaultConfigPath: string;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg !== undefined && xdg !== '' ? xdg : join(env.HOME ?? homedir(), '.config');
  const value = (name: string) => (env[name] === '' ? undefined : env[name]);
  return {
    configPath: value('FLEETLB_CONFIG'),
    context: value('FLEETLB_CONTEXT'),
    url: value('FLEETLB_URL'),
    token: value('FLEETLB_TOKEN'),
    tokenFile: value('FLEETLB_TOKEN_FILE'),
    site: value('FLEETLB_SITE'),
    defaultConfigPath: join(base, 'fleetlb', 'config.json'),
  };
}

/** The contexts file's contents; an absent file is an empty configuration. */
export function loadConfigFile(path: string): CliConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { contexts: {} };
    throw new CliError(EXIT.error, `cannot read ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CliError(EXIT.error, `${path} is not JSON: ${(err as Error).message}`);
  }
  const parsed = CliConfigFile.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new CliError(EXIT.error, `${path} is not a fleetlb config file: ${where}`);
  }
  return parsed.data;
}

/** Writes the contexts file atomically, readable by its owner only. */
export function saveConfigFile(path: string, config: CliConfigFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600); // mode is masked by the umask; the file must not be group-readable
  renameSync(temporary, path);
}

/** Reads a token file (first line, trimmed). */
export function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(
      EXIT.unauthorized,
      `cannot read token file ${path}: ${(err as Error).message}`,
    );
  }
  const token = text.split('\n')[0]?.trim() ?? '';
  if (token === '') throw new CliError(EXIT.unauthorized, `token file ${path} is empty`);
  return token;
}
