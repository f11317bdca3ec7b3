/**
 * @module tsx's transform cache for the guest. Under TCG every `node --import tsx` process in the
 * guest would transpile its whole module graph again (esbuild emulated: a control plane took
 * 90 s to start). The host fills a cache for the given entry points, with the same absolute
 * paths the guest sees, in `.cache/vm/tsx-warm/`; the guest's run.sh copies it to its own
 * `/tmp/tsx-<uid>` before the command starts (qemu.ts, `tsxCache`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, repoRoot } from './kernel.js';

/**
 * Loads each `[file, ...args]` through tsx on the host (their static imports are transpiled and
 * cached; give arguments such as `--help` that make the program exit at once) and returns the
 * cache directory to hand to `runInVm({ tsxCache })`.
 */
export function warmTsxCache(entries: readonly (readonly string[])[]): string {
  const tmp = join(cacheDir, 'tsx-warm');
  for (const [file, ...args] of entries) {
    spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, file!), ...args], {
      cwd: repoRoot,
      env: { ...process.env, TMPDIR: tmp, FLEETLB_VM: '' },
      stdio: 'ignore',
      timeout: 120_000,
    });
  }
  const dir = join(tmp, `tsx-${process.getuid?.() ?? 0}`);
  if (!existsSync(dir)) throw new Error(`tsx wrote no cache in ${dir}`);
  return dir;
}
