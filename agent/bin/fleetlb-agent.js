#!/usr/bin/env node
// Runs the built agent (`npm run build` → dist/agent/) while it is current, and the TypeScript
// sources through tsx's loader (a runtime dependency) otherwise. Current: built after the last
// change to every source file it holds (dist/agent/build.json), so an edit is never shadowed.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../../', import.meta.url);

function buildIsCurrent() {
  try {
    const { builtAtMs, sources } = JSON.parse(
      readFileSync(new URL('dist/agent/build.json', root), 'utf8'),
    );
    return sources.every((source) => statSync(new URL(source, root)).mtimeMs <= builtAtMs);
  } catch {
    return false; // no build, or a source it names is gone
  }
}

if (buildIsCurrent()) {
  await import(new URL('dist/agent/fleetlb-agent.mjs', root).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../main.ts');
}
