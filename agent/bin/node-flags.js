// The V8 flags the agent ships with; bin/fleetlb-agent.js applies them before the agent loads
// (bench/README.md, "Footprint" and "Health checks", has the figures and what they cost).
//   --max-semi-space-size=1  a 1 MiB young generation
//   --single-threaded        no V8 helper threads (GC, compiler)
//   --heap-growing-percent=20  after a full GC the old generation may grow only 20 % past what
//                            survived before the next one (V8 otherwise lets it grow up to 4x
//                            when collecting is cheap: an agent with 10,000 checks and 92 MiB
//                            live grew its heap to 300 MiB before collecting, 448 MiB RSS; with
//                            this flag 208 MiB, for a few points of CPU)
//   --lite-mode              no optimising compiler and a conservatively growing heap: the
//                            smallest idle agent (about 58 MiB instead of 66), but every probe
//                            costs about twice the CPU (0.23 instead of 0.12 ms per TCP check),
//                            so a director with many checks could not keep their schedule on
//                            one core (10,000 every 2 s need 5,000 a second).
//   --no-expose-wasm         lite mode turns it off anyway, with a warning on stderr otherwise
// Lite mode is therefore for directors with few real servers: up to LITE_MODE_MAX_REAL_SERVERS
// in the configuration the agent starts from: its --desired or --keepalived-conf file, and in
// control-plane mode the last-known-good document it keeps in its state directory (what it runs
// until the control plane answers). An agent in control-plane mode without one (its first start)
// does not know its size when it starts, so the launcher gives it the base flags; it then fetches
// its first document, keeps it as last-known-good and, before it starts anything, re-execs itself
// once into the flags that document calls for (firstDocumentReexec below, used by
// agent/runtime/first-document.ts). Lite mode implies V8's jitless mode, which has
// no WebAssembly: the agent's HTTP client is node:http (native llhttp), not fetch (undici, whose
// llhttp is WebAssembly).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BASE_FLAGS = Object.freeze([
  '--max-semi-space-size=1',
  '--single-threaded',
  '--heap-growing-percent=20',
]);
export const LITE_FLAGS = Object.freeze(['--lite-mode', '--no-expose-wasm']);
export const LITE_MODE_MAX_REAL_SERVERS = 1000;

/** What the agent runs with for a configuration of `realServers` real servers. */
export function nodeFlagsFor(realServers) {
  return realServers <= LITE_MODE_MAX_REAL_SERVERS
    ? [...BASE_FLAGS, ...LITE_FLAGS]
    : [...BASE_FLAGS];
}

/** The flags for a small configuration (what the footprint benchmark's idle case runs). */
export const NODE_FLAGS = Object.freeze(nodeFlagsFor(0));

/** Real servers in a keepalived.conf's text (its `real_server` blocks; includes not followed). */
export function countKeepalivedRealServers(text) {
  return text.match(/^[ \t]*real_server[ \t]/gm)?.length ?? 0;
}

/** Real servers in a desired-state document's JSON text (0 when it does not parse). */
export function countDocumentRealServers(text) {
  return documentRealServers(text) ?? 0;
}

/** Real servers in a desired-state document's JSON text; undefined when it does not parse. */
function documentRealServers(text) {
  try {
    const document = JSON.parse(text);
    const servers = Array.isArray(document?.virtualServers) ? document.virtualServers : [];
    return servers.reduce(
      (sum, vs) => sum + (Array.isArray(vs?.realServers) ? vs.realServers.length : 0),
      0,
    );
  } catch {
    return undefined;
  }
}

/** The value of `--name VALUE` or `--name=VALUE` in `argv`. */
function option(argv, name) {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name) return argv[i + 1];
    if (argv[i]?.startsWith(`${name}=`)) return argv[i].slice(name.length + 1);
  }
  return undefined;
}

/**
 * The flags for an agent started with `argv` and `env` (as agent/config.ts reads them); in
 * control-plane mode without a readable last-known-good document, the base flags.
 */
export function agentNodeFlags(argv, env) {
  const controlPlane = option(argv, '--control-plane') ?? env.FLEETLB_CONTROL_PLANE;
  if (controlPlane === undefined) return nodeFlagsFor(startingRealServers(argv, env));
  const saved = documentRealServers(read(lastKnownGoodPath(argv, env)) ?? '');
  return saved === undefined ? [...BASE_FLAGS] : nodeFlagsFor(saved);
}

function read(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function lastKnownGoodPath(argv, env) {
  const stateDir = option(argv, '--state-dir') ?? env.FLEETLB_STATE_DIR ?? '/var/lib/fleetlb';
  return join(stateDir, 'last-known-good.json');
}

/**
 * Real servers in the configuration the agent is about to start from (argv and environment as
 * agent/config.ts reads them); 0 when there is none yet or it cannot be read.
 */
export function startingRealServers(argv, env) {
  const keepalived = option(argv, '--keepalived-conf');
  if (keepalived !== undefined) return countKeepalivedRealServers(read(keepalived) ?? '');
  const desired = option(argv, '--desired') ?? env.FLEETLB_DESIRED;
  return countDocumentRealServers(read(desired ?? lastKnownGoodPath(argv, env)) ?? '');
}

/**
 * Set in the environment of an agent re-exec'd for its first document: it never re-execs for that
 * reason again. Set it (any value) to start an agent without that re-exec (the footprint
 * benchmark's first start as it was before).
 */
export const FIRST_DOCUMENT_REEXEC_ENV = 'FLEETLB_AGENT_FIRST_DOCUMENT_REEXEC';

/** Why an agent with `env` never re-execs for its first document; undefined when it may. */
export function firstDocumentReexecRefused(env) {
  if (env[FIRST_DOCUMENT_REEXEC_ENV] !== undefined)
    return `${FIRST_DOCUMENT_REEXEC_ENV} is set (re-exec'd for its first document already)`;
  if (env.FLEETLB_AGENT_NODE_FLAGS !== undefined) return 'FLEETLB_AGENT_NODE_FLAGS sets its flags';
  return undefined;
}

/**
 * Whether an agent running with `execArgv` re-execs itself for its first document of
 * `realServers` real servers, and with which flags added; `env` as the launcher reads it. Not
 * when firstDocumentReexecRefused says so, nor when it runs with every flag the document calls
 * for already.
 */
export function firstDocumentReexec(realServers, execArgv, env) {
  const refused = firstDocumentReexecRefused(env);
  if (refused !== undefined) return { reexec: false, reason: refused };
  const missing = nodeFlagsFor(realServers).filter((flag) => !execArgv.includes(flag));
  return missing.length === 0
    ? { reexec: false, reason: 'it runs with the flags its first document calls for' }
    : { reexec: true, flags: missing };
}
