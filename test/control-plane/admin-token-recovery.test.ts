/**
 * The lost-token recovery on the default database (PGlite): `create-admin-token` against a data
 * directory a running server holds refuses and prints no token; once the server is stopped it
 * prints one that works after the restart. And the lock file itself: exclusive, taken over from
 * a process that is gone, released by its owner.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DataDirBusy, lockDataDir, lockPathOf } from '../../control-plane/data-dir-lock.js';

const MAIN = fileURLToPath(new URL('../../control-plane/main.ts', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'fleetlb-token-recovery-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs a control-plane command to completion. */
function runCommand(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, FLEETLB_LOG_LEVEL: 'warn' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `serve` on a free port; resolves with its URL once it listens. */
async function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, 'serve', '--data-dir', dataDir, '--listen', '127.0.0.1:0'],
    { env: { ...process.env, FLEETLB_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/fleetlb control plane: (http:\/\/\S+)/);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${output}`)));
  });
  return { child, url };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe('create-admin-token against a PGlite directory', () => {
  test('refused while a server holds it (no token printed); works once it is stopped', async () => {
    const dataDir = join(scratch, 'data');
    const first = await startServer(dataDir);
    try {
      assert.ok(existsSync(lockPathOf(dataDir)), 'serve holds the lock');
      const refused = runCommand(['create-admin-token', '--data-dir', dataDir]);
      assert.equal(refused.code, 1, refused.stderr);
      assert.equal(refused.stdout, '', 'no token printed');
      assert.match(
        refused.stderr,
        /is in use by another fleetlb-control-plane \(serve, pid \d+ on /,
      );
      assert.match(refused.stderr, /No token was created/);
      assert.match(refused.stderr, /fleetlb token create/);
      assert.equal(
        runCommand(['migrate', '--data-dir', dataDir]).code,
        1,
        'nor may migrate open it',
      );
    } finally {
      await stopServer(first.child);
    }
    assert.ok(!existsSync(lockPathOf(dataDir)), 'a stopped server releases the lock');

    const created = runCommand(['create-admin-token', '--data-dir', dataDir]);
    assert.equal(created.code, 0, created.stderr);
    const token = created.stdout.trim();
    assert.match(token, /^flb_/);

    const second = await startServer(dataDir);
    try {
      const res = await fetch(`${second.url}/v1/sites`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 200, 'the recovered token works after the restart');
    } finally {
      await stopServer(second.child);
    }
  });
});

describe('the data directory lock', () => {
  test('is exclusive while its holder lives, and released by it', () => {
    const dir = join(scratch, 'lock-a');
    const lock = lockDataDir(dir, 'serve', () => true);
    writeFileSync(
      lock.path,
      JSON.stringify({ pid: 1, hostname: hostname(), command: 'serve', startedAt: 'then' }),
    );
    assert.throws(
      () => lockDataDir(dir, 'create-admin-token', () => true),
      (err: unknown) => err instanceof DataDirBusy && err.owner.pid === 1,
    );
    lock.release(); // not its pid any more: leaves the other holder's file alone
    assert.ok(existsSync(lock.path));
    rmSync(lock.path);
    const again = lockDataDir(dir, 'serve');
    again.release();
    assert.ok(!existsSync(again.path));
  });

  test('is taken over from a process that is gone here, or from an unreadable file; not from another host', () => {
    const dir = join(scratch, 'lock-b');
    writeFileSync(
      lockPathOf(dir),
      JSON.stringify({ pid: 999999, command: 'serve', startedAt: 'x' }),
    );
    const lock = lockDataDir(dir, 'serve', (pid) => pid !== 999999);
    lock.release();
    writeFileSync(lockPathOf(dir), 'garbage');
    lockDataDir(dir, 'serve').release();
  });
});
