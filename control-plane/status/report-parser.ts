/**
 * @module Parses status reports off the event loop: on one worker thread, one report at a time
 * (so four large reports in a row cost four parses in the background, not four stalls of every
 * request), the bytes transferred rather than copied. The worker ends after `idleMs` without a
 * report (its heap is tens of MiB) and starts again with the next one. If the worker cannot run
 * or dies, reports are parsed in-process instead (degrade, don't stop) and the log says so once.
 */
import type { Logger } from 'pino';
import { Worker } from 'node:worker_threads';
import { parseReport, type ParsedReport } from './parse-report.js';

export class ReportParser {
  #worker: Worker | undefined;
  #failed = false;
  #restarted = false;
  #nextId = 0;
  readonly #pending = new Map<number, (result: ParsedReport | undefined) => void>();
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly idleMs = 30_000,
  ) {}

  async parse(bytes: Uint8Array): Promise<ParsedReport> {
    const worker = this.#start();
    if (!worker) return parseReport(bytes);
    clearTimeout(this.#idleTimer);
    const id = this.#nextId++;
    const result = await new Promise<ParsedReport | undefined>((resolve) => {
      this.#pending.set(id, resolve);
      const copy = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      const payload = copy ? bytes : bytes.slice();
      worker.postMessage({ id, bytes: payload }, [payload.buffer as ArrayBuffer]);
    });
    if (this.#pending.size === 0 && this.#worker) {
      const idle = this.#worker;
      this.#idleTimer = setTimeout(() => {
        if (this.#worker !== idle || this.#pending.size > 0) return;
        this.#worker = undefined;
        void idle.terminate();
      }, this.idleMs).unref();
    }
    // The worker died under this report: parse it here rather than fail the agent.
    return result ?? parseReport(bytes);
  }

  #start(): Worker | undefined {
    if (this.#worker || this.#failed) return this.#worker;
    try {
      const worker = new Worker(new URL('./report-worker.js', import.meta.url));
      worker.unref();
      worker.on('message', (message: { id: number; result: ParsedReport | undefined }) => {
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
      this.logger.warn({ err }, 'status report worker unavailable: parsing reports in-process');
    }
    // One restart is tried on the next report; a second loss keeps parsing in-process.
    this.#failed = worker === undefined || this.#restarted;
    this.#restarted = true;
  }

  async close(): Promise<void> {
    clearTimeout(this.#idleTimer);
    const worker = this.#worker;
    this.#worker = undefined;
    this.#failed = true;
    await worker?.terminate();
  }
}
