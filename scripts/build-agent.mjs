// `npm run build`: the agent as plain JavaScript, so a director runs no TypeScript compiler. esbuild
// bundles the agent into dist/agent/, packages left in node_modules (the two helper processes it
// spawns, crash guard and rtnetlink watcher, are native: agent/native/packet-socket, built at
// install). agent/bin/fleetlb-agent.js runs the bundle while it
// is current (dist/agent/build.json lists its sources and when it was built) and the sources
// through tsx otherwise, so an edit is never shadowed by an old build.
// Usage: node scripts/build-agent.mjs [--outdir DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
const outdir = resolve(values.outdir ?? `${root}dist/agent`);

/** Output name → source. */
const entryPoints = {
  'fleetlb-agent': `${root}agent/main.ts`,
};

const builtAtMs = Date.now();
mkdirSync(outdir, { recursive: true });
const result = await build({
  entryPoints,
  outdir,
  outExtension: { '.js': '.mjs' },
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  define: { __FLEETLB_BUNDLE__: 'true' },
  metafile: true,
  logLevel: 'warning',
});
const sources = Object.keys(result.metafile.inputs).sort();
writeFileSync(`${outdir}/build.json`, `${JSON.stringify({ builtAtMs, sources }, null, 1)}\n`);
console.log(
  `built ${Object.keys(entryPoints).length} entry points from ${sources.length} sources into ${relative(process.cwd(), outdir) || '.'}`,
);
