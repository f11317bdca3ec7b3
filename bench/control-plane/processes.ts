/**
 * @module The benchmark's child processes: the control plane (server.ts) and the 304 load
 * generator (load.ts). Every child is tracked so that `killAll` can end them on any exit path,
 * and every wait on a child is bounded.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { POSTGRES_URL } from '../../test/support/databases.js';
import type { CpuReply, DatabaseKind, LoadMessage, LoadResult, ServerHello } from './shared.js';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const children = new Set<ChildProcess>();
const servers = new Set<ServerProcess>();

function start(file: string, args: string[], execArgv: string[] = []): ChildProcess {
  const child = fork(here(file), args, {
    execArgv: ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/**
 * Ends every child still running (an aborted run): servers are asked to stop (they drop their
 * PostgreSQL databases), anything else is killed; whatever is left after 25 s is killed too.
 */
export async function stopAll(): Promise<void> {
  for (const child of children) if (![...servers].some((s) => s.owns(child))) child.kill('SIGKILL');
  const stopping = Promise.allSettled([...servers].map((s) => s.stop()));
  await Promise.race([stopping, new Promise((resolve) => setTimeout(resolve, 25_000).unref())]);
  for (const child of children) child.kill('SIGKILL');
}

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly hello: ServerHello,
  ) {
    servers.add(this);
  }

  owns(child: ChildProcess): boolean {
    return child === this.child;
  }

  /** Starts server.ts on a fresh database and waits (at most `timeoutMs`) until it listens. */
  static async start(
    database: DatabaseKind,
    options: { cpuProfDir?: string | undefined; timeoutMs?: number } = {},
  ): Promise<ServerProcess> {
    const execArgv = options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : [];
    const child = start('./server.ts', ['--database', database], execArgv);
    const timeoutMs = options.timeoutMs ?? 60_000;
    try {
      const hello = await new Promise<ServerHello>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the ${database} server did not start within ${timeoutMs} ms`)),
          timeoutMs,
        );
        const lines = createInterface({ input: child.stdout! });
        lines.once('line', (line) => {
          clearTimeout(timer);
          try {
            resolve(JSON.parse(line) as ServerHello);
          } catch {
            reject(new Error(`the server printed ${line}, not its JSON hello`));
          }
        });
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`the ${database} server exited (${signal ?? code}) before listening`));
        });
      });
      return new ServerProcess(child, hello);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
  }

  /** The server's CPU time so far (user + system), in seconds. */
  cpuSeconds(): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child.off('message', onMessage);
        reject(new Error('the server did not report its CPU time'));
      }, 5_000);
      const onMessage = (message: unknown) => {
        if ((message as CpuReply | undefined)?.type !== 'cpu') return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        const { user, system } = message as CpuReply;
        resolve((user + system) / 1e6);
      };
      this.child.on('message', onMessage);
      this.child.send('cpu');
    });
  }

  /**
   * Asks the server to stop (it drops its PostgreSQL database), waits up to 20 s, then kills it
   * and drops the database itself.
   */
  async stop(): Promise<void> {
    servers.delete(this);
    if (this.child.connected) this.child.disconnect();
    else this.child.kill('SIGTERM');
    if (await exited(this.child, 20_000)) {
      if (this.child.exitCode === 0) return;
    } else {
      this.child.kill('SIGKILL');
      await exited(this.child, 5_000);
    }
    if (this.hello.databaseUrl) await dropDatabase(this.hello.databaseUrl);
  }
}

async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^fleetlb_test_[0-9a-f]+$/.test(name)) return;
  const sql = postgres(POSTGRES_URL, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Runs load.ts against `url`: warm-up, then the measured run. `atStart` runs right before the
 * measured run (to read the server's CPU clock); `during`, if given, runs alongside it, and the
 * run ends when it settles.
 */
export async function runLoad(
  args: {
    url: string;
    /** The agent token and ETag of the 304 load, or 'random' for the unknown-token flood. */
    auth: { token: string; etag: string } | 'random';
    connections: number;
    warmupS: number;
    /** The longest measured run (it ends earlier when `during` is given and settles). */
    durationS: number;
  },
  atStart: () => Promise<void>,
  during?: () => Promise<unknown>,
): Promise<LoadResult> {
  const child = start('./load.ts', [
    '--url',
    args.url,
    ...(args.auth === 'random'
      ? ['--random-tokens']
      : ['--token', args.auth.token, '--etag', args.auth.etag]),
    '--connections',
    String(args.connections),
    '--warmup',
    String(args.warmupS),
    '--duration',
    String(args.durationS),
  ]);
  const timeoutMs = (args.warmupS + args.durationS) * 1000 + 60_000;
  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the load generator did not finish within ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.on('message', (message: LoadMessage) => {
        if (message.type === 'warm') {
          atStart().then(
            () => {
              child.send('go');
              const stop = () => child.connected && child.send('stop');
              during?.().then(stop, stop);
            },
            (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))),
          );
        } else {
          clearTimeout(timer);
          resolve(message.result);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the load generator exited (${signal ?? code}) without a result`));
      });
    });
  } finally {
    if (!(await exited(child, 5_000))) child.kill('SIGKILL');
  }
}
