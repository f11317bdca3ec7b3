/**
 * @module The control plane's entry point: `serve` (default), `migrate`, `create-admin-token`.
 * See `--help`.
 */
import { pino, type Logger } from 'pino';
import { parseConfig, USAGE, type Config } from './config.js';
import { DataDirBusy, lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { openDatabase, type DatabaseLocation } from './db/database.js';
import { isDatabaseUnavailable, unavailableReason } from './db/unavailable.js';
import { DEFAULT_HTTP_SERVER_OPTIONS, serveHttp } from './http/node-server.js';
import { createToken } from './routes/tokens.js';
import { bootstrapAdminToken, startControlPlane } from './server.js';

/** Largest status report on PGlite: ~20,000 real servers per director (32 MiB on PostgreSQL). */
const PGLITE_STATUS_LIMIT_BYTES = 4 << 20;

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

  // A database that is not there yet (or refusing, or restarting) is waited for, not a reason
  // to exit: every replica restarting at once would otherwise turn a flap into a crash loop.
  const { controlPlane, firstToken } = await untilDatabase(logger, async () => {
    const started = await startControlPlane({
      location,
      logger,
      options: {
        maxWaitS: config.maxWaitS,
        bodyTimeoutMs: config.bodyTimeoutS * 1000,
        // PGlite is one process on small machines: reports are held in memory there
        // (status/report-store.ts), so their size is bounded tighter than on PostgreSQL.
        ...(config.databaseUrl ? {} : { statusBodyLimitBytes: PGLITE_STATUS_LIMIT_BYTES }),
      },
    });
    try {
      return {
        controlPlane: started,
        firstToken: await bootstrapAdminToken(started.deps.database),
      };
    } catch (err) {
      await started.close();
      throw err;
    }
  });
  const server = serveHttp(
    controlPlane.app.fetch,
    {
      ...DEFAULT_HTTP_SERVER_OPTIONS,
      hostname: config.host,
      port: config.port,
      // Node's own bound on a whole request: the body's bound plus time for the headers.
      requestTimeoutMs: config.bodyTimeoutS * 1000 + DEFAULT_HTTP_SERVER_OPTIONS.headersTimeoutMs,
    },
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
    controlPlane.earlyAnswer,
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

/** Runs `start` until it succeeds, retrying every second while the database is unavailable. */
async function untilDatabase<T>(logger: Logger, start: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await start();
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      logger.warn({ reason: unavailableReason(err) }, 'database unavailable; retrying in 1 s');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
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
