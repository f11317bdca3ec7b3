/**
 * @module Request bodies, read only for callers who have authenticated (this runs after
 * `authenticate`), and never without bounds:
 * - size: a Content-Length over the route's limit is refused before anything is read (even
 *   before authentication: it costs nothing); a streamed body is counted as it arrives and cut at
 *   the limit (413);
 * - time: the whole body must arrive within `bodyTimeoutMs` (408, RFC 9110 §15.5.9), so a slow
 *   sender cannot hold a connection and its buffers;
 * - memory: bytes being received are bounded per token and overall; a caller over its share
 *   gets 429, everyone over the total 503, both with Retry-After (RFC 9110 §10.2.3).
 * The body is read here, kept in the context (`c.var.body`) and handed on as a fresh Request
 * over the same bytes, so the validators downstream read it from memory. Handlers of large
 * bodies (status reports) take `c.var.body` and the bytes are never copied again: a Request made
 * from bytes copies them at once (fetch's "extract a body"), one made from a stream only when it
 * is read. With a Content-Length the chunks are copied, as they arrive, into one buffer of that
 * length (`BodyAssembly`): no concatenation of a 20 MiB body in one go on the event loop, and a
 * buffer of its own, which a worker thread can be given by transfer.
 */
import type { HttpBindings } from '@hono/node-server';
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';
import { Problem } from './problem.js';

export interface BodyBudgetOptions {
  /** Body bytes being received at once by one token. */
  perTokenBytes: number;
  /** Body bytes being received at once by the whole process. */
  totalBytes: number;
}

/** In-flight body bytes, per token and in total. */
export class BodyBudget {
  #total = 0;
  readonly #perToken = new Map<string, number>();

  constructor(readonly options: BodyBudgetOptions) {}

  /** Takes `bytes` for `token`; returns the refusal when that would exceed a bound. */
  take(token: string, bytes: number): 'token' | 'total' | undefined {
    const mine = this.#perToken.get(token) ?? 0;
    if (mine + bytes > this.options.perTokenBytes) return 'token';
    if (this.#total + bytes > this.options.totalBytes) return 'total';
    this.#perToken.set(token, mine + bytes);
    this.#total += bytes;
    return undefined;
  }

  give(token: string, bytes: number): void {
    const left = (this.#perToken.get(token) ?? 0) - bytes;
    if (left > 0) this.#perToken.set(token, left);
    else this.#perToken.delete(token);
    this.#total -= bytes;
  }

  /** Bytes being received now (for metrics and tests). */
  inFlightBytes(): number {
    return this.#total;
  }
}

export const tooLarge = (maxSize: number) =>
  new Problem(
    413,
    'payload-too-large',
    'Payload too large',
    `bodies are limited to ${maxSize} bytes here`,
  );

const tooSlow = (timeoutMs: number) =>
  new Problem(
    408,
    'request-timeout',
    'Request timeout',
    `the body must arrive within ${timeoutMs / 1000} s`,
    undefined,
    { connection: 'close' },
  );

const overBudget = (which: 'token' | 'total') =>
  which === 'token'
    ? new Problem(
        429,
        'too-many-requests',
        'Too many requests',
        'this token is already sending as many body bytes as it may at once; retry later',
        undefined,
        { 'retry-after': '1' },
      )
    : new Problem(
        503,
        'overloaded',
        'Service unavailable',
        'the server is receiving as many body bytes as it may at once; retry later',
        undefined,
        { 'retry-after': '1' },
      );

/** A body's bytes, assembled as its chunks arrive. */
class BodyAssembly {
  #buffer: Buffer | undefined;
  #filled = 0;
  readonly #chunks: Uint8Array[] = [];

  /** `declaredBytes`: the Content-Length, when there is one (within the route's limit). */
  constructor(declaredBytes: number | undefined) {
    // Not zero-filled: every byte up to `#filled` is written before it is read.
    if (declaredBytes) this.#buffer = Buffer.allocUnsafeSlow(declaredBytes);
  }

  push(chunk: Uint8Array): void {
    if (this.#buffer && this.#filled + chunk.byteLength <= this.#buffer.byteLength) {
      this.#buffer.set(chunk, this.#filled);
      this.#filled += chunk.byteLength;
      return;
    }
    // More than declared (only an in-process request can do that): concatenate instead.
    if (this.#buffer) this.#chunks.push(this.#buffer.subarray(0, this.#filled));
    this.#buffer = undefined;
    this.#chunks.push(chunk);
  }

  bytes(): Buffer {
    if (!this.#buffer) return Buffer.concat(this.#chunks);
    const whole = this.#filled === this.#buffer.byteLength;
    return whole ? this.#buffer : this.#buffer.subarray(0, this.#filled);
  }
}

interface BodyChunks {
  next(): Promise<{ done: true; value?: unknown } | { done: false; value: Uint8Array }>;
  /** Stops reading (the rest is not wanted). */
  cancel(): void;
}

/**
 * The body's chunks: over a socket, straight from Node's request (a web stream over it, which is
 * what `c.req.raw.body` is, copies every chunk into a new buffer first: half the event loop's
 * work for a 20 MiB report); in-process (tests), from the Request's stream.
 */
function bodyChunks(c: Context<AppEnv>): BodyChunks | undefined {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  if (incoming) return nodeChunks(incoming);
  const reader = c.req.raw.body?.getReader();
  if (!reader) return undefined;
  return { next: () => reader.read(), cancel: () => void reader.cancel().catch(() => {}) };
}

/**
 * One chunk at a time from Node's request, pausing it while a chunk waits to be taken. Cancelling
 * only stops listening: the adapter then drains or closes the connection after the answer, as it
 * did when the body was read through its web stream.
 */
function nodeChunks(incoming: IncomingMessage): BodyChunks {
  const queue: Buffer[] = [];
  let ended = false;
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  const onData = (chunk: Buffer) => {
    queue.push(chunk);
    incoming.pause();
    wake?.();
  };
  const onEnd = () => {
    ended = true;
    wake?.();
  };
  const onClose = () => {
    if (!ended) failed ??= new Error('the request was aborted before its body ended');
    wake?.();
  };
  const onError = (err: Error) => {
    failed = err;
    wake?.();
  };
  incoming.on('data', onData).on('end', onEnd).on('close', onClose).on('error', onError);
  return {
    async next() {
      while (queue.length === 0 && !ended && !failed)
        await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const chunk = queue.shift();
      if (chunk) {
        if (queue.length === 0) incoming.resume();
        return { done: false, value: chunk };
      }
      if (failed) throw failed;
      return { done: true };
    },
    cancel() {
      incoming.off('data', onData).off('end', onEnd).off('close', onClose).off('error', onError);
    },
  };
}

/** Refuses a declared Content-Length over `maxSize` at once, whoever asks (header only). */
export function declaredSizeLimit(maxSizeFor: (path: string) => number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const declared = c.req.header('content-length');
    const max = maxSizeFor(c.req.path);
    if (declared !== undefined && Number(declared) > max) throw tooLarge(max);
    await next();
  };
}

/**
 * Reads the body of an authenticated request within the bounds above and replaces the request
 * with one carrying the bytes read. Runs after `authenticate` (it needs the caller's token id).
 */
export function guardedBody(maxSizeFor: (path: string) => number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const body = bodyChunks(c);
    if (!body) return next();
    const { options, bodyBudget } = c.var.deps;
    const max = maxSizeFor(c.req.path);
    const token = c.var.principal.tokenId;
    const declared = Number(c.req.header('content-length'));
    const assembly = new BodyAssembly(
      Number.isSafeInteger(declared) && declared > 0 && declared <= max ? declared : undefined,
    );
    let held = 0; // bytes taken from the budget, given back when the request is done
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.bodyTimeoutMs);
    });
    try {
      try {
        for (;;) {
          const read = await Promise.race([body.next(), timedOut]);
          if (read === 'timeout') throw tooSlow(options.bodyTimeoutMs);
          if (read.done) break;
          if (held + read.value.byteLength > max) throw tooLarge(max);
          const refused = bodyBudget.take(token, read.value.byteLength);
          if (refused) throw overBudget(refused);
          held += read.value.byteLength;
          assembly.push(read.value);
        }
      } catch (err) {
        body.cancel();
        throw err;
      } finally {
        clearTimeout(timer);
      }
      const bytes = assembly.bytes();
      c.set('body', bytes);
      c.req.raw = new Request(c.req.raw, {
        body: new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(bytes);
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      await next();
    } finally {
      bodyBudget.give(token, held);
    }
  };
}
