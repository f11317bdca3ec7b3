/**
 * @module An initialised PostgreSQL data directory for the VM tier, made on the host and cached in
 * `.cache/vm/pgdata-<major>/`: initdb takes over a minute under TCG and a second here. The guest
 * copies it to its tmpfs and starts the host's own `postgres` binary on it (test/vm/guest/lab).
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './kernel.js';

/** `/usr/lib/postgresql/<major>/bin`, the newest installed; undefined without PostgreSQL. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const major = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))[0];
  return major === undefined ? undefined : join(root, major, 'bin');
}

/** The template's path, made when missing (as the `postgres` user: initdb refuses root). */
export function ensurePostgresTemplate(): string {
  const bin = postgresBinDir();
  if (bin === undefined)
    throw new Error('PostgreSQL server binaries (postgresql) are not installed');
  const major = bin.split('/').at(-2)!;
  const target = join(cacheDir, `pgdata-${major}`);
  if (existsSync(join(target, 'PG_VERSION'))) return target;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  chownSync(staging, uid, gid);
  execFileSync(
    'setpriv',
    [
      ...['--reuid', String(uid), '--regid', String(gid), '--clear-groups'],
      join(bin, 'initdb'),
      ...['-D', staging, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'],
    ],
    { stdio: 'pipe', cwd: '/' },
  );
  renameSync(staging, target);
  return target;
}
