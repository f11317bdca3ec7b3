/** @module Debian's own kernel for VM tests: resolved with apt, downloaded and unpacked once into `.cache/vm/`. */
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/support/vm/kernel.ts). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
/** Everything the VM harness downloads or builds (git-ignored). */
export const cacheDir = join(repoRoot, '.cache', 'vm');

export interface Kernel {
  /** The concrete package, e.g. `linux-image-6.1.0-57-amd64`. */
  packageName: string;
  /** Its Debian version, e.g. `6.1.192-3`: the cache key with the name. */
  version: string;
  /** What `uname -r` says in the guest, e.g. `6.1.0-57-amd64`. */
  release: string;
  /** The unpacked package (boot/, lib/modules/<release>/ with a modules.dep). */
  root: string;
  vmlinuz: string;
  /** `root/lib/modules/<release>`. */
  modulesDir: string;
}

const META_PACKAGE = 'linux-image-amd64';
const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** The absolute path of a command on PATH (plus the sbin directories), or undefined. */
export function findCommand(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...SBIN].filter((d) => d !== '');
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

function run(argv: readonly string[], cwd?: string): string {
  const [cmd, ...args] = argv;
  const result = spawnSync(cmd!, args, {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, LC_ALL: 'C' },
  });
  if (result.status !== 0) {
    const why = result.error?.message ?? result.stderr.trim().split('\n').slice(-3).join(' / ');
    throw new Error(`${argv.join(' ')} failed (${result.status ?? result.signal}): ${why}`);
  }
  return result.stdout;
}

/** The concrete kernel package behind `linux-image-amd64` and its candidate version. */
export function resolveKernelPackage(): { packageName: string; version: string } {
  // The metapackage pins its kernel exactly: `Depends: linux-image-6.1.0-57-amd64 (= 6.1.192-3)`.
  const meta = run(['apt-cache', 'show', '--no-all-versions', META_PACKAGE]);
  const match = /^Depends:.*?\b(linux-image-\S+-amd64)(?:\s*\(=\s*([^)\s]+)\))?/m.exec(meta);
  const packageName = match?.[1];
  if (packageName === undefined) throw new Error(`${META_PACKAGE} depends on no linux-image`);
  if (match?.[2] !== undefined) return { packageName, version: match[2] };
  const show = run(['apt-cache', 'show', '--no-all-versions', packageName]);
  const version = /^Version:\s*(\S+)$/m.exec(show)?.[1];
  if (version === undefined) throw new Error(`apt-cache show ${packageName} gave no Version`);
  return { packageName, version };
}

function kernelAt(root: string, packageName: string, version: string): Kernel {
  const release = packageName.replace(/^linux-image-/, '');
  return {
    packageName,
    version,
    release,
    root,
    vmlinuz: join(root, 'boot', `vmlinuz-${release}`),
    modulesDir: join(root, 'lib', 'modules', release),
  };
}

/** Downloads, unpacks and indexes (depmod) one kernel package into its cache directory. */
function populate(packageName: string, version: string, dest: string): void {
  const depmod = findCommand('depmod');
  if (depmod === undefined) throw new Error('depmod is not installed (Debian package kmod)');
  const staging = join(cacheDir, 'tmp', `kernel-${process.pid}-${Date.now()}`);
  mkdirSync(staging, { recursive: true });
  try {
    run(['apt-get', 'download', `${packageName}=${version}`], staging);
    const deb = readdirSync(staging).find((f) => f.endsWith('.deb'));
    if (deb === undefined) throw new Error(`apt-get download ${packageName} left no .deb`);
    const root = join(staging, 'root');
    run(['dpkg-deb', '-x', join(staging, deb), root]);
    const kernel = kernelAt(root, packageName, version);
    if (!existsSync(kernel.vmlinuz)) throw new Error(`${deb} has no ${kernel.vmlinuz}`);
    // The package ships no modules.dep (its postinst runs depmod); modprobe in the guest needs it.
    run([depmod, '-b', root, kernel.release]);
    try {
      renameSync(root, dest);
    } catch (error) {
      // Another test process got there first: use its copy.
      if (!existsSync(join(dest, 'boot'))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function cachedKernels(): Kernel[] {
  const dir = join(cacheDir, 'kernels');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((entry) => /^(linux-image-.+-amd64)_(.+)$/.exec(entry))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => kernelAt(join(dir, m[0]), m[1]!, m[2]!))
    .filter((k) => existsSync(k.vmlinuz));
}

let memo: Kernel | undefined;

/**
 * The current Debian kernel, unpacked under `.cache/vm/kernels/<package>_<version>/`. Downloads
 * it when that version is not cached yet; runs `apt-get update` once only when resolving or
 * downloading fails (no package lists yet). Offline, falls back to a cached kernel.
 */
export function ensureKernel(): Kernel {
  if (memo !== undefined) return memo;
  const attempt = (): Kernel => {
    const { packageName, version } = resolveKernelPackage();
    const dest = join(cacheDir, 'kernels', `${packageName}_${version}`);
    if (!existsSync(join(dest, 'boot'))) {
      mkdirSync(join(cacheDir, 'kernels'), { recursive: true });
      populate(packageName, version, dest);
    }
    return kernelAt(dest, packageName, version);
  };
  try {
    memo = attempt();
  } catch (first) {
    try {
      run(['apt-get', 'update', '-qq']);
      memo = attempt();
    } catch (second) {
      const cached = cachedKernels().sort((a, b) => b.root.localeCompare(a.root))[0];
      if (cached === undefined) {
        throw new Error(
          `${(first as Error).message}; after apt-get update: ${(second as Error).message}`,
          { cause: second },
        );
      }
      memo = cached;
    }
  }
  return memo;
}
