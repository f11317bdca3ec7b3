/** @module Helpers for mapping the keepalived model onto fleetlb's desired state: names, units, warnings. */
import { diagnostic, type KeepalivedDiagnostic, type SourcePosition } from './diagnostics.js';
import type { TrackFileConf } from './model.js';

/** Collects "fleetlb cannot express this" warnings while mapping. */
export interface MapCtx {
  warnings: KeepalivedDiagnostic[];
}

export function lossy(ctx: MapCtx, at: SourcePosition, message: string): void {
  ctx.warnings.push(diagnostic('warning', at, message));
}

/** A fleetlb resource name (`[a-z0-9._-]`, 1-63, alphanumeric ends) from a keepalived name. */
export function toName(text: string, fallback: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .slice(0, 63)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return name === '' ? fallback : name;
}

/**
 * A track_file's path as keepalived opens it: a relative one resolves against / (its working
 * directory, trackers/track_file.c `init_track_files()` realpath()), with a warning.
 */
export function trackFilePath(file: TrackFileConf & { file: string }, ctx: MapCtx): string {
  if (file.file.startsWith('/')) return file.file;
  const path = `/${file.file.replace(/^(\.\/)+/, '')}`;
  lossy(
    ctx,
    file.at,
    `track_file ${file.name}: relative path ${file.file} resolves against / (keepalived's working directory) to ${path}`,
  );
  return path;
}

/** Seconds to whole milliseconds, clamped into `[min, max]`. */
export function secondsToMs(s: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(s * 1000)));
}

/**
 * lib/notify.c `cmd_str_r()`: the words as the one line keepalived hands to system(3), each
 * single-quoted except a leading redirection.
 */
function shellLine(words: readonly string[]): string {
  return words
    .map((w, i) => (i === 0 && (w.startsWith('<') || w.startsWith('>')) ? w : `'${w}'`))
    .join(' ');
}

/**
 * A script's words as the program fleetlb runs, the way keepalived runs it (lib/notify.c
 * `check_script_secure()` and `system_call_script()`): a command starting with `<` and a path (a
 * test that a file opens, e.g. `</dev/tcp/127.0.0.1/80`) goes through `/bin/sh -c`; a bare name is
 * looked up in PATH (keepalived does so at start-up and warns "Please specify full path"); a
 * relative path with a slash resolves against `/`, the daemon's working directory; anything else
 * is executed directly, without a shell.
 */
export function program(
  words: readonly string[],
  at: SourcePosition,
  ctx: MapCtx,
  what: string,
): { path: string; args: string[] } | undefined {
  const [first, ...args] = words;
  if (first === undefined || first === '') return undefined;
  if (/^<[ \t]*\//.test(first)) {
    lossy(
      ctx,
      at,
      `${what}: runs as /bin/sh -c "${shellLine(words)}", as keepalived does (a /dev/tcp/… test needs bash: where /bin/sh is dash it always fails, under keepalived too)`,
    );
    return { path: '/bin/sh', args: ['-c', shellLine(words)] };
  }
  if (!first.includes('/')) {
    lossy(
      ctx,
      at,
      `${what}: '${first}' is looked up in the agent's PATH when it runs, as keepalived looks it up in its own (write the full path to be sure which program runs)`,
    );
    return { path: first, args };
  }
  if (!first.startsWith('/')) {
    const path = `/${first.replace(/^(\.\/)+/, '')}`;
    lossy(
      ctx,
      at,
      `${what}: relative path ${first} resolves against / (keepalived's working directory) to ${path}`,
    );
    return { path, args };
  }
  return { path: first, args };
}

/** A persistence_granularity netmask (`255.255.255.0`) or prefix length (`64`) as a prefix length. */
export function granularityPrefix(text: string): number | undefined {
  if (/^\d{1,3}$/.test(text)) return Number(text);
  const bytes = text.split('.').map(Number);
  if (bytes.length !== 4 || bytes.some((b) => !(b >= 0 && b <= 255))) return undefined;
  const bits = bytes.map((b) => b.toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(bits) ? (bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')) : undefined;
}
