/**
 * @module Whether a script may run as the identity it was given, as keepalived decides once when
 * it loads its configuration (core/notify.c `check_script_secure()`, `is_executable()` and
 * `check_security()`):
 * - a script that cannot be found, or is not executable for its uid:gid, is disabled;
 * - a script that runs with root's power (uid 0, gid 0, or a set-uid/set-gid root file) is
 *   "unsafe" when the file, a directory on its path (as written, and as resolved) or a symlink on
 *   it is owned by a non-root user, or is group-writable by a non-root group or world-writable (a
 *   directory with the sticky bit excepted): with `requireSafePath` (enable_script_security) it is
 *   disabled, without it it runs with a warning.
 * Pure over a small file-system port (`ScriptFiles`), so it is tested with a fake. The path rule
 * (`pathPrefixes`, `changeableByOthers`) is also what `--check-config` reports
 * (runtime/keepalived-host-check.ts).
 */
import type { Stats } from 'node:fs';

/** What `lstat`/`stat` say about one path (only the fields the rules read). */
export interface FileFacts {
  kind: 'file' | 'directory' | 'symlink' | 'other';
  mode: number;
  uid: number;
  gid: number;
}

/** The file-system reads the check needs (node:fs in production, a map in tests). */
export interface ScriptFiles {
  /** `lstat(2)`: undefined when the path does not exist or cannot be read. */
  lstat(path: string): Promise<FileFacts | undefined>;
  /** `stat(2)` (follows symlinks). */
  stat(path: string): Promise<FileFacts | undefined>;
  /** `realpath(3)`: undefined when it fails. */
  realpath(path: string): Promise<string | undefined>;
}

export interface Identity {
  uid: number;
  gid: number;
}

export type ScriptVerdict = { run: true; warning?: string } | { run: false; reason: string };

const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;
const S_IXUSR = 0o100;
const S_IXGRP = 0o010;
const S_IXOTH = 0o001;
const S_IWGRP = 0o020;
const S_IWOTH = 0o002;

/** keepalived's `is_executable()`. */
export function isExecutable(file: FileFacts, id: Identity): boolean {
  const m = file.mode;
  if (id.uid === 0 && (m & (S_IXUSR | S_IXGRP | S_IXOTH)) !== 0) return true;
  if (id.uid === file.uid) return (m & S_IXUSR) !== 0;
  return id.gid === file.gid ? (m & S_IXGRP) !== 0 : (m & S_IXOTH) !== 0;
}

/** Runs with root's power: as uid or gid 0, or a set-uid/set-gid root executable. */
function needsProtection(file: FileFacts, id: Identity): boolean {
  const m = file.mode;
  return (
    id.uid === 0 ||
    id.gid === 0 ||
    (file.uid === 0 && (m & S_IXUSR) !== 0 && (m & S_ISUID) !== 0) ||
    (file.gid === 0 && (m & S_IXGRP) !== 0 && (m & S_ISGID) !== 0)
  );
}

/** What the rules read of a node:fs `Stats` (mode without the file type bits). */
export function fileFacts(s: Stats): FileFacts {
  const kind = s.isFile()
    ? 'file'
    : s.isDirectory()
      ? 'directory'
      : s.isSymbolicLink()
        ? 'symlink'
        : 'other';
  return { kind, mode: s.mode & 0o7777, uid: s.uid, gid: s.gid };
}

/** `/a/b/c` → `/`, `/a`, `/a/b`, `/a/b/c` (keepalived walks each prefix). */
export function pathPrefixes(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '');
  return ['/', ...parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`)];
}

/**
 * A non-root user can change this entry (check_security()'s test): it is owned by a non-root
 * user, or it is a file, or a directory without the sticky bit, writable by a non-root group or
 * by everyone. A symbolic link's own mode bits mean nothing: only its owner counts.
 */
export function changeableByOthers(f: FileFacts): boolean {
  if (f.uid !== 0) return true;
  const guarded = (f.kind === 'directory' && (f.mode & S_ISVTX) === 0) || f.kind === 'file';
  return guarded && ((f.gid !== 0 && (f.mode & S_IWGRP) !== 0) || (f.mode & S_IWOTH) !== 0);
}

type PathProblem = { broken: true; why: string } | { broken: false; entry: string };

/**
 * The first problem on `path`: an entry that cannot be read or is of the wrong kind (keepalived
 * disables the script: SC_NOTFOUND / SC_INHIBIT), or one a non-root user can change (SC_INSECURE).
 */
async function pathProblem(path: string, files: ScriptFiles): Promise<PathProblem | undefined> {
  const all = pathPrefixes(path);
  for (const [i, entry] of all.entries()) {
    const facts = await files.lstat(entry);
    if (facts === undefined) return { broken: true, why: `${entry} cannot be read` };
    const last = i === all.length - 1;
    const kindOk = last
      ? facts.kind === 'file' || facts.kind === 'symlink'
      : facts.kind === 'directory';
    if (!kindOk) return { broken: true, why: `${entry} is not a ${last ? 'file' : 'directory'}` };
    if (changeableByOthers(facts)) return { broken: false, entry };
  }
  return undefined;
}

/**
 * The verdict for running `program` (an absolute path, found in PATH already) as `id`.
 * `requireSafePath`: keepalived's enable_script_security.
 */
export async function scriptVerdict(
  program: string,
  id: Identity,
  requireSafePath: boolean,
  files: ScriptFiles,
): Promise<ScriptVerdict> {
  const real = await files.realpath(program);
  const facts = real === undefined ? undefined : await files.stat(real);
  if (real === undefined || facts === undefined)
    return { run: false, reason: `${program} cannot be found or accessed` };
  if (!isExecutable(facts, id))
    return { run: false, reason: `${program} is not executable for uid:gid ${id.uid}:${id.gid}` };
  if (!needsProtection(facts, id)) return { run: true };
  const paths = real === program ? [program] : [program, real];
  for (const path of paths) {
    const problem = await pathProblem(path, files);
    if (problem === undefined) continue;
    if (problem.broken) return { run: false, reason: `${problem.why} (on the path of ${program})` };
    const what = `${problem.entry} can be changed by a non-root user and ${program} runs with root's power`;
    return requireSafePath
      ? { run: false, reason: `${what}: not run (enable_script_security)` }
      : {
          run: true,
          warning: `${what}; it runs, as keepalived runs it without enable_script_security`,
        };
  }
  return { run: true };
}
