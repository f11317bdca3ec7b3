/**
 * @module Takes status reports off the event loop: on one worker thread (report-worker.ts), one
 * report at a time (so four large reports in a row cost four parses in the background, not four
 * stalls of every request). The body's bytes are transferred to the thread, not copied, and what
 * comes back is small: on PostgreSQL the thread validates and stores the report itself over its
 * own connection, so the event loop never holds the report as a string; on PGlite (which runs on
 * the event loop) it returns the validated report as transferred bytes for the in-memory store.
 *
 * The worker ends after `idleMs` without a report (its heap is tens of MiB) and starts again with
 * the next one. Degrade, don't stop: if the worker cannot run, reports are taken in-process (the
 * route stores them in its transaction, as before); if it cannot store one, it hands the report
 * back for the route to store; either is logged once.
 */
import type { Logger } from 'pino';
import { Worker } from 'node:worker_threads';
import { Problem } from '../http/problem.js';
import type { WorkerAnswer, WorkerInit, WorkerRequest } from './report-worker.js';
import { takeReport, type ReportTarget, type TakenReport } from './take-report.js';

/** How long a closing worker may take to end its database connection before it is terminated. */
const CLOSE_TIMEOUT_MS = 2000;

export class ReportIntake {
  #worker: Worker | undefined;
  #failed = false;
  #restarted = false;
  #warnedStore = false;
  #nextId = 0;
  readonly #pending = new Map<number, (result: TakenReport | undefined) => void>();
  #idleTimer: NodeJS.Timeout | undefined;

  /** `databaseUrl`: PostgreSQL's, for the worker's own connection (undefined on PGlite). */
  constructor(
    private readonly logger: Logger,
    private readonly databaseUrl: string | undefined,
    private readonly idleMs = 30_000,
  ) {}

  /**
   * Validates the report in `bytes` (which this takes over: they are transferred) and, on
   * PostgreSQL, stores it as `target`'s latest. An answer with `json` is for the caller to store.
   */
  async take(bytes: Uint8Array, target: ReportTarget): Promise<TakenReport> {
    const worker = this.#start();
    if (!worker) return takeReport(bytes, undefined, false);
    clearTimeout(this.#idleTimer);
    const id = this.#nextId++;
    const result = await new Promise<TakenReport | undefined>((resolve) => {
      this.#pending.set(id, resolve);
      const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      const payload = whole ? bytes : bytes.slice();
      const request: WorkerRequest = { id, bytes: payload, target };
      worker.postMessage(request, [payload.buffer as ArrayBuffer]);
    });
    if (this.#pending.size === 0 && this.#worker) this.#idleAfter(this.#worker);
    // The worker died under this report, whose bytes went with it: the agent sends the next
    // report within seconds, which is taken in-process (or by a new worker).
    if (!result)
      throw new Problem(
        503,
        'report-not-taken',
        'Service unavailable',
        'the status report was lost with the thread processing it; send it again',
        undefined,
        { 'retry-after': '1' },
      );
    if (result.ok && result.storeFailed && !this.#warnedStore) {
      this.#warnedStore = true;
      this.logger.warn(
        { reason: result.storeFailed },
        'status report worker could not store a report: storing it in-process',
      );
    }
    return result;
  }

  #idleAfter(idle: Worker): void {
    this.#idleTimer = setTimeout(() => {
      if (this.#worker !== idle || this.#pending.size > 0) return;
      this.#worker = undefined;
      void this.#end(idle);
    }, this.idleMs).unref();
  }

  /** Lets the worker end its database connection, then makes sure it is gone. */
  async #end(worker: Worker): Promise<void> {
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ close: true } satisfies WorkerRequest);
    const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  #start(): Worker | undefined {
    if (this.#worker || this.#failed) return this.#worker;
    try {
      const workerData: WorkerInit = { databaseUrl: this.databaseUrl };
      const worker = new Worker(new URL('./report-worker.js', import.meta.url), { workerData });
      worker.unref();
      worker.on('message', (message: WorkerAnswer) => {
        this.#pending.get(message.id)?.(message.result);
        this.#pending.delete(message.id);
      });
      worker.on('error', (err) => this.#lost(worker, err));
      worker.on('exit', (code) => this.#lost(worker, new Error(`exited with code ${code}`)));
      this.#worker = worker;
    } catch (err) {
      this.#lost(undefined, err);
    }
    return this.#worker;
  }

  #lost(worker: Worker | undefined, err: unknown): void {
    if (worker !== this.#worker) return;
    this.#worker = undefined;
    for (const resolve of this.#pending.values()) resolve(undefined);
    this.#pending.clear();
    if (!this.#failed) {
      this.logger.warn({ err }, 'status report worker unavailable: taking reports in-process');
    }
    // One restart is tried on the next report; a second loss keeps taking them in-process.
    this.#failed = worker === undefined || this.#restarted;
    this.#restarted = true;
  }

  async close(): Promise<void> {
    clearTimeout(this.#idleTimer);
    const worker = this.#worker;
    this.#worker = undefined;
    this.#failed = true;
    if (worker) await this.#end(worker);
  }
}
