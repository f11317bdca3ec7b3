/**
 * @module The control plane of the end-to-end lab, INSIDE the VM: PostgreSQL (the host's binary
 * on a copy of a data directory initialised on the host, see test/support/vm/postgres-template.ts)
 * and `fleetlb-control-plane serve` on the segment's address, as separate processes that a test
 * can stop and start again; the admin token it prints on its first start; a small API client.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { children } from './processes.js';
import { CP_ADDRESS, CP_URL, sh } from './site-lab.js';

const PG_DIR = '/tmp/e2e/pg';
export const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const CP_BIN = new URL('../../../../control-plane/bin/fleetlb-control-plane.js', import.meta.url)
  .pathname;

/** Starts PostgreSQL on 127.0.0.1:5432 from the template (`FLEETLB_PG_TEMPLATE`). */
export async function startPostgres(template: string, binDir: string): Promise<void> {
  const asPostgres = 'setpriv --reuid=postgres --regid=postgres --clear-groups';
  await sh(
    [
      'set -e',
      `mkdir -p ${PG_DIR}`,
      `cp -a ${template} ${PG_DIR}/data`,
      `chown -R postgres:postgres ${PG_DIR}`,
      `chmod 700 ${PG_DIR}/data`,
      `${asPostgres} ${binDir}/pg_ctl -D ${PG_DIR}/data -l ${PG_DIR}/log -w -t 120 ` +
        `-o "-k ${PG_DIR} -h 127.0.0.1 -p 5432 -F -c max_connections=50" start >/dev/null`,
    ].join('\n'),
    180_000,
  );
}

export async function stopPostgres(binDir: string): Promise<void> {
  await sh(
    `setpriv --reuid=postgres --regid=postgres --clear-groups ${binDir}/pg_ctl ` +
      `-D ${PG_DIR}/data -m immediate stop >/dev/null 2>&1 || true`,
  );
}

/** `fleetlb-control-plane serve` on the segment, its log kept. */
export class ControlPlaneProcess {
  private child: ChildProcess | undefined;
  readonly log: string[] = [];
  /** The admin token printed on the first start (an empty database). */
  firstToken: string | undefined;

  /**
   * Starts it and waits until it answers. A start that dies by a signal before answering is
   * tried once more: under TCG a node process has been seen to die at start-up with no output
   * (its signal is logged here).
   */
  async start(): Promise<void> {
    try {
      await this.startOnce();
    } catch (error) {
      if (this.child?.signalCode === null) throw error;
      this.log.push(`(start died by ${this.child?.signalCode}; starting again)`);
      await this.startOnce();
    }
  }

  private async startOnce(): Promise<void> {
    const child = spawn(
      process.execPath,
      [CP_BIN, 'serve', '--listen', `${CP_ADDRESS}:8080`, '--log-level', 'info'],
      { env: { ...process.env, DATABASE_URL }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    children.add(child);
    child.once('exit', (code, signal) => {
      children.delete(child);
      this.log.push(`(exited: code ${code}, signal ${signal})`);
    });
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.log.push(line);
        this.firstToken ??= /^\s+(flb_\S+)$/.exec(line)?.[1];
      });
    }
    const deadline = Date.now() + 240_000; // tsx transpiles every module afresh in the guest, under TCG
    for (;;) {
      const ok = await fetch(`${CP_URL}/healthz`, { signal: AbortSignal.timeout(5000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
        throw new Error(`control plane did not start:\n${this.log.slice(-20).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** SIGTERM, then waits for the exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

/** An API call with the admin token; throws unless the status is one of `expect`. */
export function apiClient(token: string) {
  return async function api(
    method: string,
    path: string,
    body?: unknown,
    expect: readonly number[] = [200, 201, 204],
  ): Promise<ApiResponse> {
    const response = await fetch(`${CP_URL}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(90_000),
    });
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (!expect.includes(response.status)) {
      throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 500)}`);
    }
    return { status: response.status, body: parsed };
  };
}
export type Api = ReturnType<typeof apiClient>;
