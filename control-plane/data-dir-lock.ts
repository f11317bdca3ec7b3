/**
 * @module One process per PGlite data directory. PGlite is PostgreSQL in one process, with no
 * shared memory or locking between processes: a second process opening the same directory (a
 * `create-admin-token` next to a running `serve`) writes into files the first one will
 * overwrite, so its token silently does not work and is gone after a restart. `serve`,
 * `migrate` and `create-admin-token` therefore take a lock file beside the directory
 * (`<dir>.lock`, holding the owner's pid and host): created exclusively (O_EXCL), taken over only
 * when its process is gone. A holder on another host (a container sharing the volume) cannot be
 * checked, so it counts as alive: the error names the file to remove. (Beside, not inside: PGlite initialises a directory that has no database yet.)
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

/** Who holds a lock, as its file says. */
export interface LockOwner {
  pid: number;
  /** Where the pid means something: another host's (or container's) process cannot be checked. */
  hostname: string;
  command: string;
  startedAt: string;
}

/** The directory is held by another live process. */
export class DataDirBusy extends Error {
  constructor(
    readonly lockPath: string,
    readonly owner: LockOwner,
  ) {
    super(
      `${lockPath} is held by pid ${owner.pid} on ${owner.hostname} (${owner.command}, since ${owner.startedAt})`,
    );
  }
}

export interface DataDirLock {
  path: string;
  release(): void;
}

/** The lock file of a PGlite data directory. */
export function lockPathOf(dataDir: string): string {
  return `${dataDir.replace(/\/+$/, '')}.lock`;
}

/** Whether process `pid` exists (EPERM: it exists, under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return Number.isInteger(owner.pid)
      ? {
          pid: owner.pid!,
          hostname: String(owner.hostname ?? hostname()),
          command: String(owner.command ?? '?'),
          startedAt: String(owner.startedAt ?? '?'),
        }
      : undefined;
  } catch {
    return undefined; // gone, or half-written by a process that died writing it
  }
}

/**
 * Takes the lock of `dataDir` for this process, or throws DataDirBusy naming its live holder.
 * A lock left by a process that is gone (killed, crashed) is taken over.
 */
export function lockDataDir(
  dataDir: string,
  command: string,
  isAlive: (pid: number) => boolean = alive,
): DataDirLock {
  const path = lockPathOf(dataDir);
  mkdirSync(dirname(path), { recursive: true });
  const owner: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    command,
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, `${JSON.stringify(owner)}\n`, { flag: 'wx', mode: 0o644 });
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          if (readOwner(path)?.pid === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readOwner(path);
    const ours = holder?.hostname === hostname();
    if (holder && !(ours && holder.pid === process.pid) && (!ours || isAlive(holder.pid)))
      throw new DataDirBusy(path, holder);
    rmSync(path, { force: true }); // stale: its process is gone
  }
  throw new Error(`could not take ${path}: it keeps reappearing`);
}
