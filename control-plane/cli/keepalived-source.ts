/** @module Reading keepalived.conf and its includes from disk for the contract's parser (which does no I/O). */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ConfigSource } from '../../contract/index.js';

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${escaped}$`);
}

/** Files from disk; wildcards are expanded in the last path segment only (`conf.d/*.conf`). */
export const diskSource: ConfigSource = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  glob(pattern) {
    const directory = dirname(pattern);
    const match = globToRegExp(basename(pattern));
    try {
      return readdirSync(directory)
        .filter((name) => match.test(name))
        .map((name) => join(directory, name));
    } catch {
      return [];
    }
  },
};
