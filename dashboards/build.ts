/**
 * @module Entry point: `node --import tsx dashboards/build.ts` writes every dashboard to
 * `deploy/grafana/dashboards/<uid>.json`; with `--check` it writes nothing and exits 1,
 * listing the files that are stale, missing or no longer generated.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS_DIR, renderDashboards } from './render.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, DASHBOARDS_DIR);

/** Names of files that differ from what the definitions give now. */
export function staleFiles(directory: string, files: Map<string, string>): string[] {
  const present = existsSync(directory)
    ? readdirSync(directory).filter((f) => f.endsWith('.json'))
    : [];
  const stale = [...files].filter(
    ([name, text]) =>
      !present.includes(name) || readFileSync(join(directory, name), 'utf8') !== text,
  );
  const extra = present.filter((name) => !files.has(name));
  return [...stale.map(([name]) => name), ...extra].sort();
}

function main(args: string[]): number {
  const files = renderDashboards();
  const stale = staleFiles(dir, files);
  if (args.includes('--check')) {
    for (const name of stale) console.error(`stale: ${join(DASHBOARDS_DIR, name)}`);
    if (stale.length > 0) console.error('run `npm run dashboards` to regenerate');
    return stale.length === 0 ? 0 : 1;
  }
  mkdirSync(dir, { recursive: true });
  for (const name of stale) {
    const text = files.get(name);
    if (text === undefined) rmSync(join(dir, name));
    else writeFileSync(join(dir, name), text);
    console.log(`${text === undefined ? 'removed' : 'wrote'} ${join(DASHBOARDS_DIR, name)}`);
  }
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  process.exitCode = main(process.argv.slice(2));
