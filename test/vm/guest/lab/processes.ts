/**
 * @module Processes of the VM tests: fixtures (test/vm/guest/fixtures) started in network
 * namespaces, each tracked in `children`, with a spawn timeout and a ttl of its own; their output
 * read line by line; a client namespace's requests and held connections; polling.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

export const children = new Set<ChildProcess>();

export function spawnIn(
  ns: string,
  script: string,
  args: string[],
  timeoutMs: number,
): ChildProcess {
  const argv = ['netns', 'exec', ns, process.execPath, fixture(script), ...args];
  const child = spawn('ip', argv, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export async function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

/** Reads a child's stdout line by line; fails with its stderr when it ends or stays silent. */
export function lineReader(
  child: ChildProcess,
  what: string,
): (timeoutMs?: number) => Promise<string> {
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return async (timeoutMs = 10_000) => {
    const timer = new AbortController();
    const silence = sleep(timeoutMs, undefined, { signal: timer.signal }).then(() => {
      throw new Error(`${what}: no line within ${timeoutMs} ms; stderr: ${stderr}`);
    });
    try {
      const next = await Promise.race([lines.next(), silence]);
      if (next.done) throw new Error(`${what} ended (exit ${child.exitCode}); stderr: ${stderr}`);
      return next.value;
    } finally {
      timer.abort();
      silence.catch(() => {});
    }
  };
}

/** What fixtures/client.mjs prints. */
export interface ClientReport {
  answers: Record<string, number>;
  /** Addresses the client's sockets were connected to. */
  remotes: string[];
  /** Peer and local addresses the HTTP backends saw (empty for tcp://). */
  peers: string[];
  locals: string[];
  failed: number;
  errors: string[];
}

/** `count` requests from the client namespace, each on a new connection. */
export async function runClient(ns: string, target: string, count: number): Promise<ClientReport> {
  const argv = ['netns', 'exec', ns, process.execPath, fixture('client.mjs')];
  const { stdout } = await execFileAsync('ip', [...argv, target, `${count}`], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const report = JSON.parse(stdout) as ClientReport;
  assert.equal(
    report.failed,
    0,
    `${report.failed} of ${count} failed: ${report.errors.join('; ')}`,
  );
  return report;
}

export interface HeldConnection {
  /** The address the client's socket is connected to. */
  remote: string;
  /** Sends a line through the connection and resolves with the echo server's answer. */
  say(line: string): Promise<string>;
  /** Closes the connection (stdin's end) and resolves with the fixture's exit status. */
  close(): Promise<number | null>;
}

export async function holdConnection(
  ns: string,
  host: string,
  port: number,
): Promise<HeldConnection> {
  const child = spawnIn(ns, 'conn.mjs', [host, `${port}`, '120000'], 130_000);
  const next = lineReader(child, 'conn.mjs');
  const connected = await next(30_000);
  assert.match(connected, /^connected /);
  return {
    remote: connected.slice('connected '.length).replace(/^::ffff:/, ''),
    say: async (line) => {
      child.stdin!.write(`${line}\n`);
      return next();
    },
    close: async () => {
      child.stdin!.end();
      return exited(child);
    },
  };
}

/** Polls until `probe` returns a value: IPVS totals reach the dump every 2 s (estimator). */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(250);
  }
}
