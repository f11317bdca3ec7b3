/**
 * @module The CLI's HTTP client for the control plane API: bearer token, JSON bodies, RFC 9457
 * problems turned into `ApiError`s with the CLI exit code of their status, network failures into
 * exit 7, and list pagination (`nextCursor`).
 */
import type { Page } from '../../contract/object-resource.js';
import type { ProblemDetails } from '../../contract/problem.js';
import { CliError, EXIT, exitCodeForStatus } from './exit-codes.js';

export interface ApiResponse<T = unknown> {
  status: number;
  etag: string | undefined;
  body: T;
  /** The texts of the answer's `Warning` headers (printed on stderr as they arrive). */
  warnings: string[];
}

/** The texts of `Warning: 299 - "text", 299 - "other"` (RFC 7234 §5.5 quoted strings). */
export function warningTexts(header: string | null): string[] {
  if (header === null) return [];
  return [...header.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)].map((m) =>
    (m[1] ?? '').replace(/\\(.)/g, '$1'),
  );
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  contentType?: string;
  timeoutMs?: number;
}

/** What the CLI reads of a problem: any field may be missing (a proxy's error page, an older server). */
type Problem = Partial<ProblemDetails>;

/**
 * The fields of an error body that have the contract's types; the others are left out, so that
 * an unexpected body (a proxy's JSON, a newer server's extra fields) never breaks the message.
 */
export function readProblem(body: unknown): Problem | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { title, detail, errors } = body as Record<string, unknown>;
  const fieldErrors = Array.isArray(errors)
    ? errors.filter(
        (e): e is { path: string; message: string } =>
          typeof e === 'object' &&
          e !== null &&
          typeof (e as Record<string, unknown>).path === 'string' &&
          typeof (e as Record<string, unknown>).message === 'string',
      )
    : undefined;
  return {
    ...(typeof title === 'string' ? { title } : {}),
    ...(typeof detail === 'string' ? { detail } : {}),
    ...(fieldErrors ? { errors: fieldErrors.map(({ path, message }) => ({ path, message })) } : {}),
  };
}

/** An HTTP error answer from the API. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    what: string,
  ) {
    super(exitCodeForStatus(status), describeProblem(status, problem, what));
    this.name = 'ApiError';
  }
}

function describeProblem(status: number, problem: Problem | undefined, what: string): string {
  const head = `${what}: ${status} ${problem?.title ?? 'error'}`;
  const detail = problem?.detail ? `: ${problem.detail}` : '';
  const fields = (problem?.errors ?? []).map((e) => `\n  ${e.path || '(body)'}: ${e.message}`);
  return `${head}${detail}${fields.join('')}`;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  url(path: string, query: RequestOptions['query'] = {}): string {
    const url = new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    for (const [key, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(key, String(value));
    return url.toString();
  }

  async request<T = unknown>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: 'application/json',
      ...options.headers,
    };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const target = this.url(path, options.query);
    let response: Response;
    try {
      response = await fetch(target, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (err) {
      throw new CliError(
        EXIT.unreachable,
        `cannot reach the control plane at ${this.baseUrl}: ${networkReason(err)}`,
      );
    }
    const text = await response.text().catch(() => '');
    let parsed: unknown = undefined;
    if (text !== '' && /json/.test(response.headers.get('content-type') ?? '')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (response.status >= 400)
      throw new ApiError(response.status, readProblem(parsed), `${method} ${path}`);
    // As kubectl does: the server's warnings go to stderr, whatever the command prints.
    const warnings = warningTexts(response.headers.get('warning'));
    for (const warning of warnings) process.stderr.write(`Warning: ${warning}\n`);
    return {
      status: response.status,
      etag: response.headers.get('etag') ?? undefined,
      body: parsed as T,
      warnings,
    };
  }

  get<T>(path: string, query?: RequestOptions['query']): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, query === undefined ? {} : { query });
  }

  /** GET that answers `undefined` for a 404. */
  async find<T>(path: string): Promise<ApiResponse<T> | undefined> {
    try {
      return await this.get<T>(path);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** Every item of a paginated list, following `nextCursor`. */
  async listAll<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.get<Page<T>>(path, {
        ...query,
        limit: 1000,
        cursor,
      });
      items.push(...page.body.items);
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return items;
  }
}

function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  if ((err as Error).name === 'TimeoutError') return 'timed out';
  return cause?.message ?? (err as Error).message;
}
