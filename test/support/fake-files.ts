/**
 * A directory in memory behind the tracked-files port (agent/vrrp/tracked-files.ts): write,
 * rename and remove raise the watch events fs.watch raises.
 */
import type { TrackedFiles } from '../../agent/vrrp/tracked-files.js';

const bytes = (text: string) => new TextEncoder().encode(text);

export class FakeFiles implements TrackedFiles {
  readonly contents = new Map<string, string>();
  private readonly watchers = new Map<string, Set<(name: string | undefined) => void>>();
  missingDirs = new Set<string>();
  read = (path: string) =>
    Promise.resolve(this.has(path) ? bytes(this.contents.get(path)!) : undefined);
  exists = (path: string) => Promise.resolve(this.has(path));
  write = (path: string, text: string) => {
    this.set(path, text);
    return Promise.resolve();
  };
  watch(dir: string, onEvent: (name: string | undefined) => void) {
    if (this.missingDirs.has(dir)) throw new Error(`ENOENT: ${dir}`);
    const set = this.watchers.get(dir) ?? new Set();
    set.add(onEvent);
    this.watchers.set(dir, set);
    return { close: () => set.delete(onEvent) };
  }
  has(path: string) {
    return this.contents.has(path);
  }
  set(path: string, text: string) {
    this.contents.set(path, text);
    this.emit(path);
  }
  remove(path: string) {
    this.contents.delete(path);
    this.emit(path);
  }
  private emit(path: string) {
    const dir = path.slice(0, path.lastIndexOf('/'));
    for (const w of this.watchers.get(dir) ?? []) w(path.slice(dir.length + 1));
  }
}
