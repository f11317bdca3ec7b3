#!/usr/bin/env node
// Runs the built agent (`npm run build` → dist/agent/) while it is current, and the TypeScript
// sources through tsx's loader (a runtime dependency) otherwise. Current: built after the last
// change to every source file it holds (dist/agent/build.json), so an edit is never shadowed.
//
// First it makes sure Node runs with the V8 settings the agent ships with (node-flags.js; lite
// mode only from a document of at most 1,000 real servers: the file it runs, or in control-plane
// mode its last-known-good copy): when one is missing it replaces this process by the same Node
// with them (execve: same pid, same stdio), before anything else runs. FLEETLB_AGENT_NODE_FLAGS
// replaces the list ("" = V8's defaults). A first start in control-plane mode (no last-known-good
// copy) gets the base flags here, and re-execs once more when its first document has arrived
// (agent/runtime/first-document.ts).
import { readFileSync, statSync } from 'node:fs';
import { agentNodeFlags } from './node-flags.js';
import { reexecNode } from './reexec-node.js';

const root = new URL('../../', import.meta.url);

async function applyNodeFlags() {
  // The launcher runs before config.ts, and the flags must be set before the agent loads.
  // eslint-disable-next-line no-restricted-properties
  const override = process.env.FLEETLB_AGENT_NODE_FLAGS;
  const wanted =
    override === undefined
      ? // eslint-disable-next-line no-restricted-properties -- as agent/config.ts reads them
        agentNodeFlags(process.argv.slice(2), process.env)
      : override.split(/\s+/).filter(Boolean);
  const missing = wanted.filter((flag) => !process.execArgv.includes(flag));
  if (missing.length === 0) return;
  try {
    await reexecNode(missing);
  } catch (error) {
    // Not built, or exec refused: the agent runs all the same, with V8's defaults.
    process.stderr.write(
      `fleetlb-agent: running without ${missing.join(' ')} (${error?.message ?? error})\n`,
    );
  }
}

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

await applyNodeFlags();
if (buildIsCurrent()) {
  await import(new URL('dist/agent/fleetlb-agent.mjs', root).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../main.ts');
}
