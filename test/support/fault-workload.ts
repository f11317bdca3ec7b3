/**
 * @module What runs against the control plane while a fault test or the fault benchmark breaks
 * its database: writers that remember every write acknowledged with a 2xx, and long-polling
 * agents on every replica that remember the newest revision they were sent. Every answer is
 * counted by phase, so a test can say "only 503s during the outage, no 500 ever".
 */

export interface HttpAnswer {
  /** 0: no HTTP answer (connection refused or reset, timeout). */
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- callers read fields
}

/** One request with a bounded wait; network failures come back as status 0. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    headers?: Record<string, string>;
    timeoutMs?: number;
    signal?: AbortSignal;
  },
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const init: RequestInit = {
    method,
    headers,
    signal: AbortSignal.any([
      AbortSignal.timeout(options.timeoutMs ?? 15_000),
      ...(options.signal ? [options.signal] : []),
    ]),
  };
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  try {
    const res = await fetch(`${base}${path}`, init);
    const text = await res.text();
    let body: unknown;
    if (/json/.test(res.headers.get('content-type') ?? '') && text) body = JSON.parse(text);
    return { status: res.status, headers: res.headers, body };
  } catch {
    return { status: 0, headers: new Headers(), body: undefined };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers counted per phase and status; 503s are also checked for Retry-After. */
export class AnswerLog {
  phase = 'before';
  readonly counts = new Map<string, Map<number, number>>();
  /** 503 answers without Retry-After or not problem+json. */
  malformed503 = 0;
  /** Problem details of 5xx answers other than 503 (should stay empty). */
  readonly serverErrors: string[] = [];

  record(answer: HttpAnswer): void {
    const byStatus = this.counts.get(this.phase) ?? new Map<number, number>();
    byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
    this.counts.set(this.phase, byStatus);
    if (answer.status === 503) {
      const type = answer.headers.get('content-type') ?? '';
      const readyz = answer.body?.status === 'unavailable';
      if (!answer.headers.get('retry-after') || (!readyz && !type.includes('problem+json')))
        this.malformed503++;
    } else if (answer.status >= 500) {
      this.serverErrors.push(`${answer.status} ${JSON.stringify(answer.body)}`);
    }
  }

  count(phase: string, status: number): number {
    return this.counts.get(phase)?.get(status) ?? 0;
  }

  /** Answers in `phase` that were neither 2xx/304 nor 503 (network failures are status 0). */
  other(phase: string): number {
    let n = 0;
    for (const [status, c] of this.counts.get(phase) ?? []) {
      if (!((status >= 200 && status < 300) || status === 304 || status === 503)) n += c;
    }
    return n;
  }
}

export const FAULT_SITE = 'faults';
const VS = `/v1/sites/${FAULT_SITE}/virtual-servers/web`;

/** Creates the site the workload writes to; returns agent tokens for its directors. */
export async function seedFaultSite(base: string, admin: string, directors = 2): Promise<string[]> {
  const must = async (method: string, path: string, body: unknown, want = 201) => {
    const res = await call(base, method, path, { token: admin, body });
    if (res.status !== want)
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };
  await must('POST', '/v1/sites', { name: FAULT_SITE });
  const names = Array.from({ length: directors }, (_, i) => `lb${i + 1}`);
  for (const [i, name] of names.entries())
    await must('POST', `/v1/sites/${FAULT_SITE}/directors`, { name, address: `192.0.2.${i + 1}` });
  await must('POST', `/v1/sites/${FAULT_SITE}/vrrp-instances`, {
    name: 'v',
    vrid: 7,
    interface: 'eth0',
    vips: [{ address: '192.0.2.100', prefixLength: 24 }],
    members: names.map((director, i) => ({ director, priority: 150 - i })),
  });
  await must('POST', `/v1/sites/${FAULT_SITE}/virtual-servers`, {
    name: 'web',
    vrrpInstance: 'v',
    address: '192.0.2.100',
    port: 80,
    protocol: 'tcp',
    scheduler: 'wrr',
  });
  const tokens: string[] = [];
  for (const director of names) {
    const res = await must('POST', '/v1/tokens', {
      name: `agent-${director}`,
      role: 'agent',
      site: FAULT_SITE,
      director,
    });
    tokens.push(res.body.token as string);
  }
  return tokens;
}

/** Real-server creations in a loop; each acknowledged name must exist afterwards. */
export class Writers {
  readonly acknowledged = new Set<string>();
  #next = 0;
  #running = true;
  readonly #loops: Promise<void>[] = [];

  constructor(
    private readonly bases: string[],
    private readonly admin: string,
    private readonly log: AnswerLog,
    writers: number,
  ) {
    for (let w = 0; w < writers; w++) this.#loops.push(this.#loop(w));
  }

  async #loop(w: number): Promise<void> {
    while (this.#running) {
      const n = this.#next++;
      const name = `rs${n}`;
      const res = await call(this.bases[w % this.bases.length]!, 'POST', `${VS}/real-servers`, {
        token: this.admin,
        body: { name, address: '198.51.100.10', port: 1024 + n, weight: 1 },
        timeoutMs: 20_000,
      });
      this.log.record(res);
      if (res.status === 201) this.acknowledged.add(name);
      else await sleep(res.status === 503 ? 200 : 50);
    }
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }

  /** Acknowledged writes missing from the database, read through `base`. */
  async lost(base: string): Promise<string[]> {
    const present = new Set<string>();
    let cursor: string | null = null;
    do {
      const page = `${VS}/real-servers?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await call(base, 'GET', page, { token: this.admin });
      if (res.status !== 200) throw new Error(`listing real servers: ${res.status}`);
      for (const item of res.body.items as { name: string }[]) present.add(item.name);
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    return [...this.acknowledged].filter((name) => !present.has(name));
  }
}

/** An agent long-polling one replica; `revision` is the newest document it was sent. */
export class LongPoller {
  revision = 0;
  #etag: string | undefined;
  #running = true;
  readonly #abort = new AbortController();
  readonly #loop: Promise<void>;
  readonly #watchers = new Set<{ revision: number; resolve: () => void }>();

  constructor(
    readonly base: string,
    private readonly token: string,
    private readonly log: AnswerLog,
    private readonly waitS = 10,
  ) {
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const headers: Record<string, string> = this.#etag ? { 'if-none-match': this.#etag } : {};
      const res = await call(this.base, 'GET', `/v1/agent/config?wait=${this.waitS}`, {
        token: this.token,
        headers,
        timeoutMs: (this.waitS + 10) * 1000,
        signal: this.#abort.signal,
      });
      if (!this.#running) return;
      this.log.record(res);
      if (res.status === 200) {
        this.#etag = res.headers.get('etag') ?? undefined;
        this.revision = Math.max(this.revision, Number(res.body.revision));
        for (const w of this.#watchers) if (this.revision >= w.revision) w.resolve();
      } else if (res.status !== 304) await sleep(200);
    }
  }

  /** Resolves once the poller has been sent `revision` or a later one. */
  reached(revision: number): Promise<void> {
    if (this.revision >= revision) return Promise.resolve();
    return new Promise((resolve) => {
      const watcher = {
        revision,
        resolve: () => {
          this.#watchers.delete(watcher);
          resolve();
        },
      };
      this.#watchers.add(watcher);
    });
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#abort.abort();
    await this.#loop;
  }
}
