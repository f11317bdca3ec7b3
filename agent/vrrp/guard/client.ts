/**
 * @module The agent's side of the crash guard: starts the native helper fleetlb-guard
 * (agent/native/packet-socket/src/guard.c, built at install), hands it the current resignation
 * kits after every transition, restarts it if it dies, and on a clean shutdown tells it to exit
 * without resigning (the agent resigned itself). A guard that cannot be started (not built, not
 * executable) leaves the agent running without one: `problem` says why, for the log and status.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { guardPath } from '@fleetlb/packet-socket/helpers';
import { encodeArm, parseGuardReport, type ResignationKit } from './protocol.js';

type GuardProcess = ChildProcessByStdio<Writable, Readable, null>;

const RESTART_DELAY_MS = 500;

export class GuardClient {
  private child: GuardProcess | undefined;
  private kits: readonly ResignationKit[] = [];
  private closing = false;
  /** Resolves once the guard listens (its first "armed" line), or could not be started. */
  ready: Promise<void> = Promise.resolve();
  restarts = 0;
  /** Why there is no guard (it could not be started); undefined while it runs. */
  problem: string | undefined;

  constructor(
    private readonly onLog: (message: string) => void,
    private readonly executable: string = guardPath,
  ) {}

  get pid(): number | undefined {
    return this.problem === undefined ? this.child?.pid : undefined;
  }

  start(): void {
    const child = spawn(this.executable, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child = child;
    child.stdin.on('error', () => undefined); // EPIPE if it died; the exit handler restarts it
    this.ready = new Promise((resolve) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const report = parseGuardReport(line);
        if (report === undefined)
          this.onLog(`crash guard said something unexpected: ${line.slice(0, 200)}`);
        else resolve();
      });
      child.once('error', (error) => {
        this.problem = `crash guard ${this.executable} cannot start (${error.message}): a killed agent's masterships are not resigned, its backups take over after Master_Down_Interval`;
        this.onLog(this.problem);
        resolve();
      });
      child.once('exit', () => resolve());
    });
    child.once('exit', (code, signal) => {
      if (this.closing || this.problem !== undefined) return;
      this.onLog(`crash guard exited (${signal ?? code}); restarting it`);
      this.restarts += 1;
      setTimeout(() => {
        if (this.closing) return;
        this.start();
      }, RESTART_DELAY_MS).unref();
    });
    if (this.kits.length > 0) this.send(this.kits);
  }

  /** Replaces the kits the guard would use if the agent died now. */
  arm(kits: readonly ResignationKit[]): void {
    this.kits = kits;
    this.send(kits);
  }

  /** Clean shutdown: the guard exits without resigning. */
  async close(): Promise<void> {
    this.closing = true;
    const child = this.child;
    if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null)
      return;
    this.write('exit\n');
    child.stdin.end();
    await once(child, 'exit');
  }

  private send(kits: readonly ResignationKit[]): void {
    const { text, refused } = encodeArm(kits);
    for (const why of refused) this.onLog(`crash guard cannot resign for ${why}`);
    this.write(text);
  }

  private write(text: string): void {
    const child = this.child;
    if (child && child.stdin.writable) child.stdin.write(text);
  }
}
