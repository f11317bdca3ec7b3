/**
 * @module RtnetlinkWatcher: link and address change notifications for the agent, with the
 * multicast subscription kept in a small native child, fleetlb-rtnl-watch
 * (agent/native/packet-socket/src/rtnl_watch.c, well under a MiB; the `netlink` package would
 * abort the agent's own process on a notification overflow, ENOBUFS). On an overflow the child
 * exits and is restarted. After every (re)start the watcher emits `resync`: events may have been
 * lost, so the consumer re-dumps state (addresses.ts). The child dies with the parent (stdin EOF).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { rtnlWatchPath } from '@fleetlb/packet-socket/helpers';
import { parseChildLine, type AddressEvent, type LinkEvent } from './watch-protocol.js';

export type { AddressEvent, LinkEvent } from './watch-protocol.js';

export interface RtnetlinkWatcherOptions {
  /** The child's SO_RCVBUF (default 4 MiB; the kernel caps it at net.core.rmem_max). */
  recvBufferBytes?: number;
  /** First restart delay (default 50 ms), doubled per consecutive failure … */
  initialBackoffMs?: number;
  /** … up to this (default 2 s). */
  maxBackoffMs?: number;
  /** A child that ran this long resets the backoff (default 10 s). */
  stableAfterMs?: number;
  /** Tests only: the child blocks its event loop this long on its first event. */
  stallFirstEventMs?: number;
}

export interface ChildExit {
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  uptimeMs: number;
  /** The end of the child's stderr (e.g. the `terminate called …` of an ENOBUFS abort). */
  stderrTail: string;
}

export interface RtnetlinkWatcherEvents {
  link: [LinkEvent];
  address: [AddressEvent];
  /** A child is subscribed (first start or restart): dump links and addresses again. */
  resync: [{ restarts: number; childPid: number }];
  childExit: [ChildExit];
}

type Child = ChildProcessByStdio<Writable, Readable, Readable>;
const STDERR_TAIL_CHARS = 2_000;

export class RtnetlinkWatcher extends EventEmitter<RtnetlinkWatcherEvents> {
  /** Restarts after the first start. */
  restarts = 0;
  /** Child stdout lines that were not a valid protocol line. */
  garbageLines = 0;
  private child: Child | undefined;
  private generation = 0;
  private backoffMs: number;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private started = false;
  private readonly options: Required<RtnetlinkWatcherOptions>;

  constructor(options: RtnetlinkWatcherOptions = {}) {
    super();
    this.options = {
      recvBufferBytes: options.recvBufferBytes ?? 4 << 20,
      initialBackoffMs: options.initialBackoffMs ?? 50,
      maxBackoffMs: options.maxBackoffMs ?? 2_000,
      stableAfterMs: options.stableAfterMs ?? 10_000,
      stallFirstEventMs: options.stallFirstEventMs ?? 0,
    };
    this.backoffMs = this.options.initialBackoffMs;
  }

  /** The running child's pid (tests kill it), undefined between a death and its restart. */
  get childPid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the child; `resync` follows once it is subscribed. Attach listeners first. */
  start(): this {
    if (this.started || this.closed) return this;
    this.started = true;
    this.spawnChild();
    return this;
  }

  /** Stops for good: no more events, no restart; resolves when the child has exited. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin.end(); // the child exits on EOF …
    const kill = setTimeout(() => child.kill('SIGKILL'), 1_000); // … or is made to
    await exited;
    clearTimeout(kill);
  }

  private spawnChild(): void {
    const generation = ++this.generation;
    const args = [
      '--recv-buffer-bytes',
      String(this.options.recvBufferBytes),
      '--stall-first-event-ms',
      String(this.options.stallFirstEventMs),
    ];
    const child = spawn(rtnlWatchPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const startedAt = Date.now();
    let stderrTail = '';
    let gone = false;
    this.child = child;
    child.stdin.on('error', () => {}); // EPIPE once the child is dead: its exit handles that
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => {
      if (!this.closed && generation === this.generation) this.onLine(line);
    });
    const onGone = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (gone) return;
      gone = true;
      if (this.child === child) this.child = undefined;
      if (this.closed) return;
      const uptimeMs = Date.now() - startedAt;
      this.emit('childExit', { pid: child.pid, code, signal, uptimeMs, stderrTail });
      if (uptimeMs >= this.options.stableAfterMs) this.backoffMs = this.options.initialBackoffMs;
      const delayMs = this.backoffMs;
      this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs);
      this.timer = setTimeout(() => {
        if (this.closed) return;
        this.restarts++;
        this.spawnChild();
      }, delayMs);
    };
    child.once('exit', onGone);
    child.once('error', () => onGone(null, null)); // could not spawn at all
  }

  private onLine(line: string): void {
    const parsed = parseChildLine(line);
    if (!parsed) {
      this.garbageLines++;
      return;
    }
    if (parsed.type === 'ready') {
      this.emit('resync', { restarts: this.restarts, childPid: parsed.pid });
    } else if (parsed.type === 'link') {
      const { type: _type, ...event } = parsed;
      this.emit('link', event);
    } else {
      const { type: _type, ...event } = parsed;
      this.emit('address', event);
    }
  }
}
