/**
 * @module Tracked files (keepalived track_file, trackers/track_file.c) at the edge: the file's
 * directory is watched (a file is often replaced by a rename, so watching the file itself would
 * lose it), and every event naming the file re-reads it (core/vrrp/track-file-value.ts); a file
 * that is gone reads 0, as keepalived's IN_DELETE / IN_MOVED_FROM do. `init_file` writes the
 * initial value when the file is missing (or always, with overwrite), as keepalived does when it
 * starts. Behind the `TrackedFiles` port, with node:fs in production and a fake in tests.
 */
import { watch } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { TrackedCheck } from '../../contract/vrrp-instance.js';
import { trackFileValue } from '../core/vrrp/track-file-value.js';

export type FileCheck = Extract<TrackedCheck, { type: 'file' }>;

export interface TrackedFiles {
  /** The file's bytes; `undefined` when it is missing or cannot be read. */
  read(path: string): Promise<Uint8Array | undefined>;
  /** Calls `onEvent` with the name of each entry of `dir` that changes; throws if it cannot. */
  watch(dir: string, onEvent: (name: string | undefined) => void): { close(): void };
  exists(path: string): Promise<boolean>;
  write(path: string, text: string): Promise<void>;
}

export const nodeTrackedFiles: TrackedFiles = {
  read: (path) => readFile(path).catch(() => undefined),
  watch: (dir, onEvent) => {
    const watcher = watch(dir, { persistent: false }, (_event, name) => onEvent(name ?? undefined));
    watcher.on('error', () => onEvent(undefined));
    return watcher;
  },
  exists: (path) =>
    stat(path).then(
      () => true,
      () => false,
    ),
  write: (path, text) => writeFile(path, text),
};

/** One tracked file: calls `onValue` with each new number; `onDisabled` when it cannot be watched. */
export class FileTracker {
  private watcher: { close(): void } | undefined;
  private stopped = false;
  private reads = Promise.resolve();

  constructor(
    private readonly check: Pick<FileCheck, 'path' | 'init'>,
    private readonly files: TrackedFiles,
    private readonly onValue: (value: number) => void,
    private readonly onDisabled: (reason: string) => void,
  ) {}

  /** Writes init_file's value when asked (`initialise`), starts watching and reads the file. */
  async start(initialise: boolean): Promise<void> {
    const { path, init } = this.check;
    if (initialise && init !== undefined && (init.overwrite || !(await this.files.exists(path))))
      await this.files
        .write(path, `${init.value}\n`)
        .catch((error: Error) => this.onDisabled(`cannot initialise ${path}: ${error.message}`));
    if (this.stopped) return;
    const name = basename(path);
    try {
      this.watcher = this.files.watch(dirname(path), (changed) => {
        if (changed === undefined || changed === name) this.reread();
      });
    } catch (error) {
      // keepalived: "Track file directory for … does not exist - removing".
      this.onDisabled(`cannot watch ${dirname(path)}: ${(error as Error).message}`);
      return;
    }
    this.reread();
    await this.reads;
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
  }

  /** Reads in order, so a late read never overwrites a newer one. */
  private reread(): void {
    this.reads = this.reads.then(async () => {
      const value = trackFileValue(await this.files.read(this.check.path));
      if (!this.stopped && value !== undefined) this.onValue(value);
    });
  }
}
