/** @module runInVm: boot Debian's kernel under qemu (TCG), run one command chrooted into the read-only host root, and collect its exit code and output. */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { prerequisite } from '../tier.js';
import { GUEST_RESULTS_DIR, ensureInitramfs, findStaticBusybox } from './initramfs.js';
import { cacheDir, ensureKernel, findCommand, repoRoot } from './kernel.js';

export interface VmOptions {
  /** argv to run inside the guest (chrooted into the host root), e.g. `['node', '--version']`. */
  command: readonly string[];
  /** Working directory inside the guest (a host path); default the repository root. */
  cwd?: string;
  /** Extra environment for the command (the guest starts from a clean one, see `baseEnv`). */
  env?: Readonly<Record<string, string>>;
  /** Hard limit for boot + command + power-off; qemu is killed after it. Default 300 s. */
  timeoutMs?: number;
  /** Guest memory, default 1024 MiB. */
  memoryMiB?: number;
  /** Virtual CPUs (multi-threaded TCG), default 1. */
  cpus?: number;
  /** Kills qemu when aborted, e.g. a node:test context's `t.signal`. */
  signal?: AbortSignal;
  /** A tsx cache to start the guest with (tsx-cache.ts `warmTsxCache`). */
  tsxCache?: string;
}

export interface VmResult {
  /** The command's exit status, or null when the guest never reported one (crash, timeout). */
  exitCode: number | null;
  timedOut: boolean;
  /** The command's stdout and stderr, captured to files in the results share. */
  stdout: string;
  stderr: string;
  /** The serial console (kernel messages and /init's lines). */
  console: string;
  consoleLog: string;
  /** Host path of the guest's writable results share (`GUEST_RESULTS_DIR` in the guest). */
  resultsDir: string;
  /** From starting qemu to the guest starting the command (host clock); undefined if never. */
  bootMs: number | undefined;
  /** From starting qemu until it exited. */
  totalMs: number;
  kernelRelease: string;
}

/**
 * The guest command's environment before `env`: a writable HOME and caches on tmpfs (plus
 * FLEETLB_VM_KERNEL, the release the guest should be running).
 */
export const baseEnv: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/tmp/home',
  TMPDIR: '/tmp',
  XDG_CACHE_HOME: '/tmp/cache',
  LANG: 'C.UTF-8',
  // V8 bounds-checks WebAssembly by catching SIGSEGV on guard pages; under TCG that has crashed
  // node at start-up (tsx's module lexer is WebAssembly) now and then. Inline checks instead.
  NODE_OPTIONS: '--disable-wasm-trap-handler',
  FLEETLB_VM: '1',
  FLEETLB_VM_RESULTS: GUEST_RESULTS_DIR,
};

const TOOLS = ['qemu-system-x86_64', 'apt-get', 'apt-cache', 'dpkg-deb', 'cpio', 'depmod'];
const KEEP_RUNS = 10;
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Whether VM tests can run here, as a `test(..., { skip })` value: `false` to run, or the
 * reason. Throws in CI when something is missing. Downloads and unpacks the kernel and builds
 * the initramfs when they are not cached (a few seconds). `extraTools`: commands the guest
 * needs from the host root (ipvsadm).
 */
export function vmPrerequisite(extraTools: readonly string[] = []): false | string {
  for (const tool of [...TOOLS, ...extraTools]) {
    const skip = prerequisite(findCommand(tool) !== undefined, `${tool} is not installed`);
    if (skip) return skip;
  }
  const skip = prerequisite(findStaticBusybox() !== undefined, 'busybox-static is not installed');
  if (skip) return skip;
  try {
    ensureInitramfs(ensureKernel());
    return false;
  } catch (error) {
    return prerequisite(false, `cannot prepare the Debian kernel: ${(error as Error).message}`);
  }
}

function newRunDir(): string {
  const runs = join(cacheDir, 'runs');
  mkdirSync(runs, { recursive: true });
  const old = readdirSync(runs).sort().reverse().slice(KEEP_RUNS);
  for (const dir of old) rmSync(join(runs, dir), { recursive: true, force: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const dir = join(runs, `${stamp}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`);
  mkdirSync(join(dir, 'share'), { recursive: true });
  return dir;
}

const readIfThere = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');

/** Boots a VM, runs `command` in it and resolves when qemu has exited (never rejects on guest failure). */
export async function runInVm(options: VmOptions): Promise<VmResult> {
  const kernel = ensureKernel();
  const initrd = ensureInitramfs(kernel);
  const kmods = join(kernel.root, 'lib');
  if (/\s/.test(kmods)) throw new Error(`the kernel cache path has whitespace: ${kmods}`);
  const runDir = newRunDir();
  const share = join(runDir, 'share');
  const consoleLog = join(runDir, 'console.log');
  const env = { ...baseEnv, FLEETLB_VM_KERNEL: kernel.release, ...options.env };
  writeFileSync(
    join(share, 'run.sh'),
    [
      ...Object.entries(env).map(([k, v]) => `export ${k}=${quote(v)}`),
      'mkdir -p "$HOME" "$XDG_CACHE_HOME"',
      ...(options.tsxCache
        ? [`mkdir -p /tmp/tsx-0 && cp -r ${quote(options.tsxCache)}/. /tmp/tsx-0/`]
        : []),
      `cd ${quote(options.cwd ?? repoRoot)} || exit 125`,
      `exec ${options.command.map(quote).join(' ')}`,
      '',
    ].join('\n'),
  );
  // A CPU without AVX: QEMU 7.2's TCG is new at AVX/AVX2, and node (V8, OpenSSL) uses them when
  // CPUID says so; with `-cpu max` node died now and then with SIGILL or SIGSEGV in the guest.
  // prettier-ignore
  const qemu = [
    'qemu-system-x86_64', '-accel', 'tcg', '-cpu', 'Nehalem', '-smp', String(options.cpus ?? 1),
    '-m', String(options.memoryMiB ?? 1024), '-nodefaults', '-display', 'none', '-vga', 'none',
    '-no-reboot', '-nic', 'none', '-serial', `file:${consoleLog}`,
    '-kernel', kernel.vmlinuz, '-initrd', initrd,
    '-append', `console=ttyS0 panic=-1 quiet loglevel=4 fleetlb.kmods=${kmods} fleetlb.repo=${repoRoot}`,
    '-virtfs', 'local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap',
    '-virtfs', `local,path=${share},mount_tag=results,security_model=none`,
    '-virtfs', `local,path=${repoRoot},mount_tag=repo,security_model=none,readonly=on,multidevs=remap`,
  ];
  // setpriv: qemu dies with this process even when it is killed without running exit handlers.
  const setpriv = findCommand('setpriv');
  const argv = setpriv === undefined ? qemu : [setpriv, '--pdeathsig', 'KILL', ...qemu];
  const started = Date.now();
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const collect = (chunk: Buffer): void => {
    if (output.length < 64 << 10) output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let timedOut = false;
  const kill = (): void => void child.kill('SIGKILL');
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, options.timeoutMs ?? 300_000);
  options.signal?.addEventListener('abort', kill, { once: true });
  if (options.signal?.aborted) kill();
  await new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', (error) => {
      output += String(error);
      resolve();
    });
  });
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', kill);
  running.delete(child);
  const totalMs = Date.now() - started;
  const marker = join(share, 'started');
  const exitText = readIfThere(join(share, 'exit-code')).trim();
  const consoleText = readIfThere(consoleLog) + (output === '' ? '' : `\n[qemu] ${output}`);
  writeFileSync(join(runDir, 'qemu-argv.txt'), `${argv.join(' ')}\n`);
  return {
    exitCode: exitText === '' ? null : Number(exitText),
    timedOut,
    stdout: readIfThere(join(share, 'stdout')),
    stderr: readIfThere(join(share, 'stderr')),
    console: consoleText,
    consoleLog,
    resultsDir: share,
    bootMs: existsSync(marker) ? statSync(marker).mtimeMs - started : undefined,
    totalMs,
    kernelRelease: kernel.release,
  };
}

/** The last `lines` lines of the console, for failure messages. */
export function consoleTail(result: VmResult, lines = 30): string {
  return result.console.trimEnd().split('\n').slice(-lines).join('\n');
}
