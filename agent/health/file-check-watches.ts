/**
 * @module The file watches behind a health runner's file checks (keepalived FILE_CHECK,
 * check/check_file.c): each check's file is followed with the VRRP side's FileTracker
 * (vrrp/tracked-files.ts, the number read as track_file.c reads it) and every number becomes the
 * check's state at once (core/health/file-check.ts). `init_file` is applied the first time a
 * check is watched, as keepalived applies it when it starts, not again on a reload.
 */
import type { PlannedCheck } from '../core/health/check-plan.js';
import { fileCheckState } from '../core/health/file-check.js';
import type { CheckState } from '../core/health/hysteresis.js';
import { FileTracker, type TrackedFiles } from '../vrrp/tracked-files.js';

export interface FileCheckWatchesOptions {
  files: TrackedFiles;
  /** A file check's new state. */
  onState: (check: PlannedCheck, state: CheckState) => void;
  /** A file check cannot watch its file: it counts for nothing (its state says so too). */
  onDisabled?: ((check: PlannedCheck, reason: string) => void) | undefined;
}

export class FileCheckWatches {
  #trackers = new Map<string, FileTracker>();
  #initialised = new Set<string>();

  constructor(private readonly opts: FileCheckWatchesOptions) {}

  /**
   * Watches the file of each file check of `checks` (by key, as the runner keeps them) not
   * watched yet; stops the others' watches.
   */
  sync(checks: ReadonlyMap<string, { readonly check: PlannedCheck }>): void {
    for (const [key, tracker] of this.#trackers)
      if (!checks.has(key)) {
        tracker.stop();
        this.#trackers.delete(key);
      }
    for (const { check } of checks.values()) {
      const spec = check.spec;
      if (spec.type !== 'file' || this.#trackers.has(check.key)) continue;
      const current = () => this.#trackers.get(check.key) === tracker;
      const tracker: FileTracker = new FileTracker(
        spec,
        this.opts.files,
        (value) => {
          if (current()) this.opts.onState(check, fileCheckState(value, spec));
        },
        (reason) => {
          if (!current()) return;
          this.opts.onState(check, fileCheckState('neutral', spec));
          this.opts.onDisabled?.(check, reason);
        },
      );
      this.#trackers.set(check.key, tracker);
      void tracker.start(!this.#initialised.has(check.key));
      this.#initialised.add(check.key);
    }
  }

  /** Closes every watch (a later `sync` watches again, without init_file). */
  stop(): void {
    for (const tracker of this.#trackers.values()) tracker.stop();
    this.#trackers.clear();
  }
}
