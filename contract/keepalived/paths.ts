/** @module POSIX path arithmetic for include resolution (pure: no node:path in contract/). */

/** The directory part of `path` (`.` when there is none). */
export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  if (slash < 0) return '.';
  return slash === 0 ? '/' : path.slice(0, slash);
}

/** Resolves `target` against directory `base` and normalises `.` and `..` segments. */
export function resolvePath(base: string, target: string): string {
  const joined = target.startsWith('/') ? target : `${base}/${target}`;
  const absolute = joined.startsWith('/');
  const out: string[] = [];
  for (const segment of joined.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (segment !== '..' || !absolute) out.push(segment);
  }
  const body = out.join('/');
  if (absolute) return `/${body}`;
  return body === '' ? '.' : body;
}

/** True when `pattern` uses glob(3) wildcards or csh-style braces. */
export function isGlobPattern(pattern: string): boolean {
  return /[*?[{]/.test(pattern);
}
