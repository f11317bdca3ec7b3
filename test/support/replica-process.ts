/**
 * @module The real control plane (`control-plane/main.ts serve`) as a child process, on PostgreSQL
 * or PGlite:
 * what fault tests and the fault benchmark run, so that a crash is an exit we can see, not an
 * exception a test runner swallows. Also the PostgreSQL-side faults they inject.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { POSTGRES_URL } from './databases.js';

const MAIN = fileURLToPath(new URL('../../control-plane/main.ts', import.meta.url));

/** The V8 flags `npm start` runs the control plane with (package.json), so this process is it. */
const START_NODE_FLAGS = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    scripts: { start: string };
  }
).scripts.start
  .split(/\s+/)
  .filter((word) => /^--max-|^--v8-/.test(word));

export interface ReplicaProcess {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The first admin token, when this replica created it. */
  firstToken: string | undefined;
  child: ChildProcess;
  /** Whether the process is still running. */
  alive(): boolean;
  /** The tail of its stderr (a crash's message). */
  readonly stderr: string;
  /** The tail of its stdout (its banner and its log at warn level and above). */
  readonly stdout: string;
  /** Its resident set size now, in MiB (Linux /proc). */
  rssMiB(): number;
  /** SIGTERM, then SIGKILL after 10 s; resolves with the exit code (null when killed). */
  stop(): Promise<number | null>;
}

/**
 * Starts a replica on `database` (a postgres:// URL, or a PGlite data directory) and waits (at
 * most `timeoutMs`) until it listens.
 */
export async function startReplica(
  database: string,
  env: Record<string, string> = {},
  timeoutMs = 60_000,
  /** More node flags (the benchmark's --cpu-prof, which NODE_OPTIONS may not carry). */
  nodeFlags: string[] = [],
): Promise<ReplicaProcess> {
  const where = /^postgres(ql)?:/.test(database)
    ? { env: { DATABASE_URL: database }, args: [] }
    : { env: {}, args: ['--data-dir', database] };
  const { DATABASE_URL: _inherited, ...parentEnv } = process.env;
  const child = spawn(
    process.execPath,
    [
      ...START_NODE_FLAGS,
      ...nodeFlags,
      '--import',
      'tsx',
      MAIN,
      'serve',
      '--listen',
      '127.0.0.1:0',
      '--log-level',
      'warn',
      ...where.args,
    ],
    {
      env: { ...parentEnv, ...where.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const lines = createInterface({ input: child.stdout! });
  let stdout = '';
  lines.on('line', (line) => {
    stdout = `${stdout}${line}\n`.slice(-20_000);
  });
  const started = await new Promise<{ url: string; token: string | undefined }>(
    (resolve, reject) => {
      let url: string | undefined;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`replica did not start within ${timeoutMs} ms: ${stderr}`));
      }, timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`replica exited (${code}) before listening: ${stderr}`));
      });
      let token: string | undefined;
      lines.on('line', (line) => {
        url ??= line.match(/fleetlb control plane: (http:\/\/\S+)/)?.[1];
        token ??= line.match(/^\s+(flb_[A-Za-z0-9_-]+)\s*$/)?.[1];
        // The banner is written at once; the token (if any) follows "database:" in it.
        if (url && /^\s+(database|try):/.test(line)) {
          setTimeout(() => {
            clearTimeout(timer);
            resolve({ url: url!, token });
          }, 100);
        }
      });
    },
  );
  return {
    url: started.url,
    firstToken: started.token,
    child,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: () => stopChild(child),
    rssMiB: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(status.match(/VmRSS:\s+(\d+) kB/)?.[1] ?? NaN) / 1024;
    },
    get stderr() {
      return stderr;
    },
    get stdout() {
      return stdout;
    },
  };
}

function stopChild(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

/** Faults a test or benchmark injects into one database, through an admin connection. */
export class DatabaseFaults {
  readonly #admin = postgres(POSTGRES_URL, { max: 1, onnotice: () => {} });

  constructor(readonly name: string) {
    if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  }

  static forUrl(url: string): DatabaseFaults {
    return new DatabaseFaults(new URL(url).pathname.slice(1));
  }

  /** Terminates every backend connected to the database; returns how many. */
  async terminateAll(): Promise<number> {
    const rows = await this.#admin`
      select pg_terminate_backend(pid) as ok from pg_stat_activity
      where datname = ${this.name} and pid <> pg_backend_pid()`;
    return rows.length;
  }

  /** Terminates the LISTEN connections only; returns how many. */
  async terminateListeners(): Promise<number> {
    const rows = await this.#admin`
      select pg_terminate_backend(pid) as ok from pg_stat_activity
      where datname = ${this.name} and query ilike 'listen %'`;
    return rows.length;
  }

  /** How many connections of the database are listening (their last statement was LISTEN). */
  async listeners(): Promise<number> {
    const [row] = await this.#admin`
      select count(*)::int as n from pg_stat_activity
      where datname = ${this.name} and query ilike 'listen %'`;
    return row?.n ?? 0;
  }

  /** Refuses (false) or accepts (true) new connections; refusing also ends the current ones. */
  async allowConnections(allow: boolean): Promise<void> {
    await this.#admin.unsafe(`alter database ${this.name} with allow_connections ${allow}`);
    if (!allow) await this.terminateAll();
  }

  async close(): Promise<void> {
    await this.#admin.end({ timeout: 5 });
  }
}
