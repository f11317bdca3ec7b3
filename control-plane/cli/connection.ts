/**
 * @module Which control plane and token a command uses: flags, then the environment, then the
 * selected context of the contexts file (`--context`, FLEETLB_CONTEXT or the current one).
 */
import { loadConfigFile, readTokenFile, type CliEnvironment } from './config.js';
import { CliError, EXIT, usageError } from './exit-codes.js';

export interface ConnectionFlags {
  configPath: string;
  context: string | undefined;
  url: string | undefined;
  tokenFile: string | undefined;
}

export interface Connection {
  url: string;
  token: string;
  site: string | undefined;
}

export function resolveConnection(flags: ConnectionFlags, env: CliEnvironment): Connection {
  const file = loadConfigFile(flags.configPath);
  const name = flags.context ?? file.currentContext;
  const context = name === undefined ? undefined : file.contexts[name];
  if (name !== undefined && context === undefined && flags.context !== undefined)
    throw usageError(`no context named ${name} in ${flags.configPath}`);
  const url = flags.url ?? env.url ?? context?.url;
  if (url === undefined) {
    throw usageError(
      `no control plane URL: pass --url, set FLEETLB_URL, or create a context with 'fleetlb context set NAME --url URL --token-file FILE'`,
    );
  }
  let token: string | undefined;
  if (flags.tokenFile !== undefined) token = readTokenFile(flags.tokenFile);
  else if (env.token !== undefined) token = env.token;
  else if (env.tokenFile !== undefined) token = readTokenFile(env.tokenFile);
  else if (context?.token !== undefined) token = context.token;
  else if (context?.tokenFile !== undefined) token = readTokenFile(context.tokenFile);
  if (token === undefined) {
    throw new CliError(
      EXIT.unauthorized,
      'no API token: pass --token-file, set FLEETLB_TOKEN, or set one in the context',
    );
  }
  return { url, token, site: env.site ?? context?.site };
}
