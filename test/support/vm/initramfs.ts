/** @module The VM's initramfs: static busybox, the modules to mount the host over 9p, and an /init that runs one command in a chroot of the host. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cacheDir, findCommand, type Kernel } from './kernel.js';

/** Modules /init loads (with their dependencies) before it can mount the host root. */
const BOOT_MODULES = ['virtio_pci', '9pnet_virtio', '9p', 'overlay'];

/** Where the guest command sees the writable results share (inside the chroot). */
export const GUEST_RESULTS_DIR = '/run/fleetlb-vm';

/** Whether an ELF file has no program interpreter (PT_INTERP), i.e. is statically linked. */
function isStaticElf(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(64);
    readSync(fd, header, 0, 64, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2) return false; // ELF64 only
    const phoff = Number(header.readBigUInt64LE(0x20));
    const phentsize = header.readUInt16LE(0x36);
    const table = Buffer.alloc(phentsize * header.readUInt16LE(0x38));
    readSync(fd, table, 0, table.length, phoff);
    for (let at = 0; at < table.length; at += phentsize)
      if (table.readUInt32LE(at) === 3) return false;
    return true;
  } finally {
    closeSync(fd);
  }
}

/** The statically linked busybox (Debian package busybox-static), or undefined. */
export function findStaticBusybox(): string | undefined {
  const candidates = ['/bin/busybox', '/usr/bin/busybox', findCommand('busybox')];
  return candidates.find((p): p is string => p !== undefined && existsSync(p) && isStaticElf(p));
}

/** The module files (relative to `modulesDir`) to insmod, dependencies first; built-ins left out. */
export function bootModules(kernel: Kernel, wanted: readonly string[] = BOOT_MODULES): string[] {
  const deps = new Map<string, string[]>();
  const byName = new Map<string, string>();
  for (const line of readFileSync(join(kernel.modulesDir, 'modules.dep'), 'utf8').split('\n')) {
    const [path, rest] = line.split(':');
    if (path === undefined || rest === undefined) continue;
    deps.set(path, rest.trim().split(/\s+/).filter(Boolean));
    byName.set(
      basename(path)
        .replace(/\.ko(\.xz|\.zst|\.gz)?$/, '')
        .replace(/-/g, '_'),
      path,
    );
  }
  const order: string[] = [];
  const visit = (path: string): void => {
    if (order.includes(path)) return;
    for (const dep of deps.get(path) ?? []) visit(dep);
    order.push(path);
  };
  for (const name of wanted) {
    const path = byName.get(name);
    if (path !== undefined) visit(path);
    else if (
      !readFileSync(join(kernel.modulesDir, 'modules.builtin'), 'utf8').includes(`/${name}.ko`)
    ) {
      throw new Error(`kernel ${kernel.release} has no module ${name}`);
    }
  }
  return order;
}

/** The /init script; `fleetlb.kmods=` on the kernel command line names the kernel's lib/ on the host. */
export function initScript(moduleFiles: readonly string[]): string {
  const names = moduleFiles.map((m) => basename(m).replace(/\.(xz|zst|gz)$/, '')).join(' ');
  return `#!/bin/busybox sh
# fleetlb VM init: mount the host root read-only over 9p, chroot into it, run
# ${GUEST_RESULTS_DIR}/run.sh, leave its exit status in the results share, power off.
/bin/busybox --install -s /bin
export PATH=/bin
say() { echo "fleetlb-init: $*"; }
die() { say "$*"; poweroff -f; echo o > /proc/sysrq-trigger; sleep 5; }
mount -t proc proc /proc && mount -t sysfs sysfs /sys && mount -t devtmpfs dev /dev || die mounts
for m in ${names}; do insmod /modules/$m || die "insmod $m failed"; done
kmods= repo=
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    fleetlb.kmods=*) kmods="\${arg#fleetlb.kmods=}" ;;
    fleetlb.repo=*) repo="\${arg#fleetlb.repo=}" ;;
  esac
done
o=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o $o,cache=loose,ro host /host || die 'cannot mount the host root (9p tag host)'
mount -t 9p -o $o results /results || die 'cannot mount the results share (9p tag results)'
# /lib/modules/<release> in the chroot: the unpacked kernel's lib/ over the host's (read-only).
lib=/host/lib; [ -L $lib ] && lib=/host/usr/lib
mount -t overlay -o ro,lowerdir=/host$kmods:$lib overlay $lib || die "overlay on $lib failed"
mount -t proc proc /host/proc && mount -t sysfs sysfs /host/sys && mount -t devtmpfs dev /host/dev
mkdir -p /host/dev/pts /host/dev/shm && mount -t devpts devpts /host/dev/pts
mount -t tmpfs -o mode=1777 shm /host/dev/shm && mount -t tmpfs -o mode=1777 tmp /host/tmp
mount -t tmpfs -o mode=1777 vartmp /host/var/tmp && mount -t tmpfs -o mode=755 run /host/run
mkdir -p /host${GUEST_RESULTS_DIR} && mount --bind /results /host${GUEST_RESULTS_DIR} || die binds
# A checkout under /tmp, /var/tmp or /run is hidden by those tmpfs: mount it again from its own
# share (9p tag repo) at the same path.
case "$repo" in /tmp/*|/var/tmp/*|/run/*)
  mkdir -p /host$repo && mount -t 9p -o $o,cache=loose,ro repo /host$repo || die "repo mount failed" ;;
esac
# Module autoloading (request_module) runs from this root: hand it to the host's kmod.
echo /bin/modprobe-chroot > /proc/sys/kernel/modprobe
ip link set lo up; hostname fleetlb-vm
cut -d' ' -f1 /proc/uptime > /results/started
say "running ${GUEST_RESULTS_DIR}/run.sh at $(cat /results/started)s"
env -i /bin/chroot /host /bin/sh ${GUEST_RESULTS_DIR}/run.sh </dev/null >/results/stdout 2>/results/stderr
echo $? > /results/exit-code.part && mv /results/exit-code.part /results/exit-code
say "command exited $(cat /results/exit-code) at $(cut -d' ' -f1 /proc/uptime)s"
sync; umount /host${GUEST_RESULTS_DIR} /results 2>/dev/null
poweroff -f; echo o > /proc/sysrq-trigger; sleep 5
`;
}

const MODPROBE_CHROOT = '#!/bin/sh\nexec /bin/chroot /host /sbin/modprobe "$@"\n';

function decompressed(path: string): Buffer {
  const tool = path.endsWith('.xz') ? 'xz' : path.endsWith('.zst') ? 'zstd' : undefined;
  if (tool === undefined) return readFileSync(path);
  const out = spawnSync(tool, ['-dc', path], { maxBuffer: 256 << 20 });
  if (out.status !== 0) throw new Error(`${tool} -dc ${path} failed: ${out.stderr}`);
  return out.stdout;
}

/**
 * The initramfs (cpio newc, gzip) for `kernel`, built once and cached under
 * `.cache/vm/initramfs/` by kernel package, version and a hash of /init, busybox and modules.
 */
export function ensureInitramfs(kernel: Kernel): string {
  const busybox = findStaticBusybox();
  if (busybox === undefined) throw new Error('no static busybox (Debian package busybox-static)');
  const modules = bootModules(kernel);
  const init = initScript(modules);
  const hash = createHash('sha256')
    .update(`${kernel.packageName}_${kernel.version}\n${init}\n${MODPROBE_CHROOT}`)
    .update(readFileSync(busybox))
    .digest('hex')
    .slice(0, 16);
  const out = join(cacheDir, 'initramfs', `${kernel.release}-${hash}.cpio.gz`);
  if (existsSync(out)) return out;

  const staging = join(cacheDir, 'tmp', `initramfs-${process.pid}-${Date.now()}`);
  try {
    for (const dir of ['bin', 'modules', 'proc', 'sys', 'dev', 'host', 'results']) {
      mkdirSync(join(staging, dir), { recursive: true });
    }
    copyFileSync(busybox, join(staging, 'bin', 'busybox'));
    for (const m of modules) {
      const name = basename(m).replace(/\.(xz|zst|gz)$/, '');
      writeFileSync(join(staging, 'modules', name), decompressed(join(kernel.modulesDir, m)));
    }
    writeFileSync(join(staging, 'init'), init);
    writeFileSync(join(staging, 'bin', 'modprobe-chroot'), MODPROBE_CHROOT);
    for (const exe of ['init', 'bin/busybox', 'bin/modprobe-chroot'])
      chmodSync(join(staging, exe), 0o755);
    const list = spawnSync('find', ['.'], { cwd: staging, encoding: 'utf8' });
    const files = list.stdout.split('\n').filter(Boolean).sort().join('\n') + '\n';
    const cpio = spawnSync('cpio', ['-o', '-H', 'newc', '--quiet', '-R', '0:0'], {
      cwd: staging,
      input: files,
      maxBuffer: 512 << 20,
    });
    if (cpio.status !== 0) throw new Error(`cpio failed: ${cpio.stderr}`);
    mkdirSync(join(cacheDir, 'initramfs'), { recursive: true });
    const part = `${out}.${process.pid}.part`;
    writeFileSync(part, gzipSync(cpio.stdout, { level: 1 }));
    renameSync(part, out);
    return out;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
