/**
 * @module A control plane under test, on PGlite or on the real PostgreSQL server, driven through
 * `app.request` (no socket). `forEachDatabase` runs one suite on both, drizzle-test style.
 */
import { after, before, describe } from 'node:test';
import { pino } from 'pino';
import type { AgentStatusInput } from '../../contract/index.js';
import { openDatabase, type Database } from '../../control-plane/db/database.js';
import {
  bootstrapAdminToken,
  startControlPlane,
  type ControlPlane,
} from '../../control-plane/server.js';
import type { AppOptions } from '../../control-plane/http/context.js';
import { newPgliteDatabase, newPostgresDatabase, postgresTier } from './databases.js';

export const silentLogger = pino({ level: 'silent' });

export interface RequestOptions {
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read any field
  text: string;
}

export class TestControlPlane {
  constructor(
    readonly controlPlane: ControlPlane,
    readonly adminToken: string,
  ) {}

  get database(): Database {
    return this.controlPlane.deps.database;
  }

  /** Sends a request as the admin (or `token`; null for none) and parses JSON bodies. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? this.adminToken : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = body;
    if (options.signal) init.signal = options.signal;
    const response = await this.controlPlane.app.request(path, init);
    const text = await response.text();
    let parsed: unknown = undefined;
    if (/json/.test(response.headers.get('content-type') ?? '') && text) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  /** Posts an agent status report with an agent token; the report must be stored (204). */
  async postStatus(token: string, body: AgentStatusInput): Promise<void> {
    const res = await this.request('POST', '/v1/agent/status', { token, body });
    if (res.status !== 204) throw new Error(`status report refused: ${res.status} ${res.text}`);
  }

  /** Creates a token of `role` (agent tokens need site and director) and returns its value. */
  async token(role: string, site?: string, director?: string): Promise<string> {
    const res = await this.request('POST', '/v1/tokens', {
      body: { name: `${role}-test`, role, site, director },
    });
    if (res.status !== 201) throw new Error(`token creation failed: ${res.status} ${res.text}`);
    return res.body.token as string;
  }
}

export type DatabaseKind = 'pglite' | 'postgres';

/** Starts a control plane on a fresh database of `kind`. */
export async function startTestControlPlane(
  kind: DatabaseKind,
  options: Partial<AppOptions> = {},
): Promise<{ cp: TestControlPlane; stop: () => Promise<void>; url: string | undefined }> {
  let database: Database;
  let drop = async () => {};
  let url: string | undefined;
  if (kind === 'pglite') database = await newPgliteDatabase();
  else {
    const created = await newPostgresDatabase();
    url = created.url;
    drop = created.drop;
    database = await openDatabase({ url: created.url });
  }
  const controlPlane = await startControlPlane({
    location: { database },
    logger: silentLogger,
    options,
  });
  const admin = await bootstrapAdminToken(database);
  if (!admin) throw new Error('fresh database already had tokens');
  return {
    cp: new TestControlPlane(controlPlane, admin),
    url,
    async stop() {
      await controlPlane.close();
      await database.close();
      await drop();
    },
  };
}

/**
 * Registers `suite` twice: on PGlite and on PostgreSQL (skipped with a reason off CI when no
 * server answers). `get()` returns the running control plane inside the tests.
 */
export function forEachDatabase(
  name: string,
  suite: (get: () => TestControlPlane, kind: DatabaseKind) => void,
): void {
  for (const kind of ['pglite', 'postgres'] as const) {
    describe(`${name} [${kind}]`, async () => {
      const skip = kind === 'postgres' ? await postgresTier() : false;
      if (skip) {
        describe('PostgreSQL tier', { skip }, () => {});
        return;
      }
      let running: Awaited<ReturnType<typeof startTestControlPlane>> | undefined;
      before(async () => {
        running = await startTestControlPlane(kind);
      });
      after(async () => {
        await running?.stop();
      });
      suite(() => {
        if (!running) throw new Error('control plane not started');
        return running.cp;
      }, kind);
    });
  }
}
