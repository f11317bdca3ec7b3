/**
 * @module The control plane's configuration: command-line flags over environment variables over
 * defaults, parsed in this one place. Returns a typed config or an error message; never exits.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const USAGE = `Usage: fleetlb-control-plane [serve|migrate|create-admin-token] [options]

Commands:
  serve               migrate the database, then serve the API (default)
  migrate             bring the database schema up to date and exit
  create-admin-token  print a new admin token (recovery; needs database access; with PGlite,
                      refused while a control plane serves the same --data-dir)

Options (environment variable in brackets):
  --listen HOST:PORT     address to listen on [FLEETLB_LISTEN] (default 127.0.0.1:8080)
  --database-url URL     PostgreSQL URL [DATABASE_URL]; without it, embedded PGlite is used
  --data-dir DIR         PGlite data directory [FLEETLB_DATA_DIR] (default .fleetlb/data)
  --log-level LEVEL      trace|debug|info|warn|error [FLEETLB_LOG_LEVEL] (default info)
  --max-wait SECONDS     longest long-poll or drain wait [FLEETLB_MAX_WAIT_S] (default 60)
  --body-timeout SECONDS time a request body has to arrive in full, else 408
                         [FLEETLB_BODY_TIMEOUT_S] (default 10)
  -h, --help             show this help
`;

const Config = z.object({
  command: z.enum(['serve', 'migrate', 'create-admin-token']),
  host: z.string().min(1),
  port: z.int().min(0).max(65535),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  dataDir: z.string().min(1),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
  maxWaitS: z.int().min(1).max(3600),
  bodyTimeoutS: z.number().min(0.1).max(600),
});
export type Config = z.output<typeof Config>;

export type ParsedConfig =
  { help: true } | { help: false; config: Config } | { help: false; error: string };

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedConfig {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        listen: { type: 'string' },
        'database-url': { type: 'string' },
        'data-dir': { type: 'string' },
        'log-level': { type: 'string' },
        'max-wait': { type: 'string' },
        'body-timeout': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return { help: false, error: (err as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length > 1)
    return { help: false, error: `unexpected arguments: ${positionals.slice(1).join(' ')}` };
  const listen = values.listen ?? env.FLEETLB_LISTEN ?? '127.0.0.1:8080';
  const match = listen.match(/^(\[[^\]]+\]|[^:]+):(\d+)$/);
  if (!match?.[1] || !match[2])
    return { help: false, error: `--listen must be HOST:PORT, not ${listen}` };
  const result = Config.safeParse({
    command: positionals[0] ?? 'serve',
    host: match[1].replace(/^\[|\]$/g, ''),
    port: Number(match[2]),
    databaseUrl: values['database-url'] ?? env.DATABASE_URL,
    dataDir: resolve(values['data-dir'] ?? env.FLEETLB_DATA_DIR ?? '.fleetlb/data'),
    logLevel: values['log-level'] ?? env.FLEETLB_LOG_LEVEL ?? 'info',
    maxWaitS: Number(values['max-wait'] ?? env.FLEETLB_MAX_WAIT_S ?? 60),
    bodyTimeoutS: Number(values['body-timeout'] ?? env.FLEETLB_BODY_TIMEOUT_S ?? 10),
  });
  if (!result.success) {
    return {
      help: false,
      error: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  }
  return { help: false, config: result.data };
}
