/**
 * @module The control plane's entry point: `serve` (default), `migrate`, `create-admin-token`.
 * See `--help`.
 */
import { serve } from '@hono/node-server';
import { pino, type Logger } from 'pino';
import { parseConfig, USAGE, type Config } from './config.js';
import { DataDirBusy, lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { openDatabase, type DatabaseLocation } from './db/database.js';
import { createToken } from './routes/tokens.js';
import { bootstrapAdminToken, startControlPlane } from './server.js';

async function main(): Promise<number> {
  const parsed = parseConfig(process.argv.slice(2));
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if ('error' in parsed) {
    process.stderr.write(`fleetlb-control-plane: ${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  const { config } = parsed;
  const logger = pino({ level: config.logLevel });
  const location: DatabaseLocation = config.databaseUrl
    ? { url: config.databaseUrl }
    : { dataDir: config.dataDir };
  const where = config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`;
  // PGlite is one process: whoever opens the directory holds it (see data-dir-lock.ts).
  let lock: DataDirLock | undefined;
  if (!config.databaseUrl) {
    try {
      lock = lockDataDir(config.dataDir, config.command);
    } catch (err) {
      if (!(err instanceof DataDirBusy)) throw err;
      process.stderr.write(busyMessage(config.command, config.dataDir, err));
      return 1;
    }
  }
  try {
    return await run(config, location, where, logger);
  } finally {
    lock?.release();
  }
}

/** Why a command cannot use a PGlite directory another process holds, and what to do instead. */
function busyMessage(command: string, dataDir: string, busy: DataDirBusy): string {
  const { pid, hostname, command: holder, startedAt } = busy.owner;
  const lines = [
    `fleetlb-control-plane: ${dataDir} is in use by another fleetlb-control-plane (${holder}, pid ${pid} on ${hostname}, since ${startedAt}).`,
    'PGlite is a single process: a second one writing to the same directory would have its changes lost.',
  ];
  if (command === 'create-admin-token')
    lines.push(
      'No token was created. Either stop the running control plane (Ctrl-C or SIGTERM) and run',
      'create-admin-token again, or create one through it with any admin token you still have:',
      '  fleetlb token create --name admin2 --role admin   (or POST /v1/tokens)',
    );
  else lines.push('Stop it first, or point this one at another --data-dir.');
  lines.push(`(If no such process is running, remove ${busy.lockPath}.)`);
  return `${lines.join('\n')}\n`;
}

async function run(
  config: Config,
  location: DatabaseLocation,
  where: string,
  logger: Logger,
): Promise<number> {
  if (config.command !== 'serve') {
    const database = await openDatabase(location);
    if (config.command === 'create-admin-token') {
      const { token } = await createToken(database.db, {
        name: 'admin',
        role: 'admin',
        createdBy: 'cli',
      });
      process.stdout.write(`${token}\n`);
    } else logger.info(`database schema is up to date (${where})`);
    await database.close();
    return 0;
  }

  const controlPlane = await startControlPlane({
    location,
    logger,
    options: { maxWaitS: config.maxWaitS },
  });
  const firstToken = await bootstrapAdminToken(controlPlane.deps.database);
  const server = serve(
    { fetch: controlPlane.app.fetch, hostname: config.host, port: config.port },
    (info) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      const url = `http://${host}:${info.port}`;
      logger.info({ url, database: where }, 'fleetlb control plane listening');
      process.stdout.write(
        `\nfleetlb control plane: ${url}\n  API docs:  ${url}/docs\n  database:  ${where}\n`,
      );
      if (firstToken) {
        process.stdout.write(
          `  first admin token (shown once, keep it safe):\n    ${firstToken}\n`,
        );
        process.stdout.write(
          `  try: curl -H "Authorization: Bearer ${firstToken}" ${url}/v1/sites\n\n`,
        );
      }
    },
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      server.close(() => resolve());
      // Long-polls hold connections open; do not wait for them to finish.
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await controlPlane.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `fleetlb-control-plane: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  },
);
