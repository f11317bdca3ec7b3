/**
 * @module The agent's side of the crash guard (guard/main.ts): starts it, hands it the current
 * resignation kits after every transition, restarts it if it dies, and on a clean shutdown tells
 * it to exit without resigning (the agent resigned itself).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { helperArgv } from '../../linux/ts-child.js';
import type { GuardMessage, GuardReport, ResignationKit } from './protocol.js';

type GuardProcess = ChildProcessByStdio<Writable, Readable, null>;

const RESTART_DELAY_MS = 500;

export class GuardClient {
  private child: GuardProcess | undefined;
  private kits: ResignationKit[] = [];
  private closing = false;
  /** Resolves on the guard's first "armed" line: its sockets are open and it listens. */
  ready: Promise<void> = Promise.resolve();
  restarts = 0;

  constructor(private readonly onLog: (message: string) => void) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const child = spawn(
      process.execPath,
      helperArgv('crash-guard', new URL('./main.ts', import.meta.url)),
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    this.child = child;
    child.stdin.on('error', () => undefined); // EPIPE if it died; the exit handler restarts it
    this.ready = new Promise((resolve) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        let report: GuardReport | undefined;
        try {
          report = JSON.parse(line) as GuardReport;
        } catch {
          return this.onLog(`crash guard said something unexpected: ${line.slice(0, 200)}`);
        }
        if (report.type === 'armed') resolve();
      });
    });
    child.once('exit', (code, signal) => {
      if (this.closing) return;
      this.onLog(`crash guard exited (${signal ?? code}); restarting it`);
      this.restarts += 1;
      setTimeout(() => {
        if (this.closing) return;
        this.start();
        this.send({ type: 'arm', kits: this.kits });
      }, RESTART_DELAY_MS).unref();
    });
    if (this.kits.length > 0) this.send({ type: 'arm', kits: this.kits });
  }

  /** Replaces the kits the guard would use if the agent died now. */
  arm(kits: ResignationKit[]): void {
    this.kits = kits;
    this.send({ type: 'arm', kits });
  }

  /** Clean shutdown: the guard exits without resigning. */
  async close(): Promise<void> {
    this.closing = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.send({ type: 'exit' });
    child.stdin.end();
    await once(child, 'exit');
  }

  private send(message: GuardMessage): void {
    const child = this.child;
    if (child && child.stdin.writable) child.stdin.write(`${JSON.stringify(message)}\n`);
  }
}
