/**
 * @module The control-plane side of the agent: long-polls `GET /v1/agent/config` with the ETag
 * of the last document it saw (`If-None-Match`, `?wait=`), checks every document before use, and
 * retries with exponential backoff and full jitter when the control plane cannot be reached.
 * A refused document (xDS-style NACK) is reported once: its ETag is remembered, so the next poll
 * waits for a newer revision instead of fetching the same bad one in a loop. While the control
 * plane is unreachable nothing is reported as changed: the director keeps what it runs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DesiredState } from '../../contract/desired-state.js';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from '../core/runtime/backoff.js';
import { checkDocumentText, type DocumentCheck } from './document-check.js';
import { NodeHttpClient, statusError, type HttpClient, type HttpRequest } from './http-client.js';

export interface ConfigClientOptions {
  /** The control plane's base URL, e.g. `https://fleetlb.example:8080`. */
  url: string;
  /** This director's agent token. */
  token: string;
  /** Long-poll wait in seconds (the control plane caps it at its --max-wait, 60 s default). */
  waitS?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
  /** Default: a `NodeHttpClient` of its own. */
  http?: HttpClient;
}

export interface ConfigClientEvents {
  /**
   * A document passed the checks; the next poll starts when the returned promise settles.
   * `receivedAtMs` is the wall-clock time its response arrived (Date.now()).
   */
  onDocument(document: DesiredState, receivedAtMs: number): void | Promise<void>;
  /**
   * A document carried fields this agent does not know (a newer control plane's): they were
   * skipped, the rest applies.
   */
  onIgnoredFields?(revision: number, paths: string[]): void;
  /** A document was refused; the last good one stays in force. */
  onRejected(revision: number | undefined, refusal: DocumentCheck & { ok: false }): void;
  /** A poll failed; the next try is in `retryInMs`. */
  onError(error: Error, retryInMs: number): void;
  /** A poll succeeded (a document, a refusal or "not modified"): the agent is in sync. */
  onSynced?(): void;
}

export class ConfigClient {
  private etag: string | undefined;
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private readonly http: HttpClient;

  constructor(
    private readonly options: ConfigClientOptions,
    private readonly events: ConfigClientEvents,
  ) {
    this.http = options.http ?? new NodeHttpClient();
  }

  /** Starts polling; `revision` is the one already in force (e.g. the last-known-good's). */
  start(revision?: number): void {
    if (revision !== undefined) this.etag = `"${revision}"`;
    this.running ??= this.loop();
  }

  /** Stops polling, aborting a request in flight. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    const random = this.options.random ?? Math.random;
    let attempt = 0;
    while (!this.abort.signal.aborted) {
      try {
        await this.pollOnce();
        attempt = 0;
      } catch (error) {
        if (this.abort.signal.aborted) return;
        const delayMs = backoffDelayMs(
          attempt++,
          random(),
          this.options.backoff ?? DEFAULT_BACKOFF,
        );
        this.events.onError(error as Error, delayMs);
        // Stop ends the wait early (the abort rejects; the loop then sees it and returns).
        await sleep(delayMs, undefined, { signal: this.abort.signal }).catch(() => undefined);
      }
    }
  }

  private async pollOnce(): Promise<void> {
    const waitS = this.options.waitS ?? 30;
    const url = new URL('/v1/agent/config', this.options.url);
    url.searchParams.set('wait', String(waitS));
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.token}` };
    if (this.etag !== undefined) headers['if-none-match'] = this.etag;
    const request: HttpRequest = {
      ...{ method: 'GET', url, headers, signal: this.abort.signal },
      // The server answers within the wait; 10 s more covers a slow network, not a dead peer.
      timeoutMs: waitS * 1000 + 10_000,
    };
    const response = await this.http.request(request);
    const receivedAtMs = Date.now();
    const { text } = response;
    if (response.status === 304) return this.events.onSynced?.();
    if (response.status !== 200) throw statusError(request, response);
    this.events.onSynced?.();
    const etag = response.headers.etag;
    const checked = checkDocumentText(text, url.pathname);
    if (!checked.ok) {
      this.etag = etag;
      this.events.onRejected(revisionOf(etag), checked);
      return;
    }
    this.etag = etag ?? `"${checked.document.revision}"`;
    if (checked.ignored?.length)
      this.events.onIgnoredFields?.(checked.document.revision, checked.ignored);
    await this.events.onDocument(checked.document, receivedAtMs);
  }
}

/** One `GET /v1/agent/config` without waiting (`--dry-run`, `--check-config`): the document, checked. */
export async function fetchConfigOnce(options: ConfigClientOptions): Promise<DocumentCheck> {
  const request: HttpRequest = {
    ...{ method: 'GET', url: new URL('/v1/agent/config', options.url), timeoutMs: 10_000 },
    headers: { authorization: `Bearer ${options.token}` },
  };
  const own = options.http === undefined ? new NodeHttpClient() : undefined;
  try {
    const response = await (options.http ?? own!).request(request);
    if (response.status !== 200) throw statusError(request, response);
    return checkDocumentText(response.text, request.url.href);
  } finally {
    own?.close();
  }
}

/** The revision in an ETag such as `"42"` or `W/"42"`. */
function revisionOf(etag: string | undefined): number | undefined {
  const match = /^(?:W\/)?"(\d+)"$/.exec(etag ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
