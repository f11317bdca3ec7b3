/**
 * @module Just enough of a Dockerfile and a .dockerignore reader for the deploy tests: the
 * instructions of each stage (continuation lines joined), and whether the build context keeps
 * a path under a whitelist-style .dockerignore (`*`, then `!path` and `path/` entries).
 */
import { readFileSync } from 'node:fs';

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

export function readStages(path: string): Stage[] {
  const logical = readFileSync(path, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') {
      const [, from = '', name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ from, name, instructions: [] });
    } else stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
  }
  return stages;
}

/** The patterns of a .dockerignore, in order. Only `*`, plain paths and `!`-negations. */
export function readIgnore(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

function matches(pattern: string, path: string): boolean {
  if (pattern === '*') return true;
  const base = pattern.replace(/\/$/, '');
  return path === base || path.startsWith(`${base}/`);
}

/** Whether `path` (relative to the context) reaches the build: the last matching pattern wins. */
export function inContext(patterns: readonly string[], path: string): boolean {
  let kept = true;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (matches(negated ? pattern.slice(1) : pattern, path)) kept = negated;
  }
  return kept;
}
