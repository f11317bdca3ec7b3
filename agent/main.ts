/**
 * @module The agent's entry point (`fleetlb-agent`, see `--help`): parses the configuration,
 * reads a standalone document (a desired-state file or a keepalived.conf, warnings with their
 * file:line), answers `--check-config` and `--dry-run` without touching the kernel, else runs
 * the agent (runtime/agent-process.ts). Logs are JSON lines (pino) on stdout.
 */
import { readFile } from 'node:fs/promises';
import type { DesiredState } from '../contract/desired-state.js';
import { parseAgentConfig, USAGE, type AgentConfig } from './config.js';
import { runAgent } from './runtime/agent-process.js';
import { fetchConfigOnce } from './runtime/config-client.js';
import type { DocumentCheck } from './runtime/document-check.js';
import { FileSource } from './runtime/file-source.js';
import { LastKnownGood } from './runtime/last-known-good.js';

const parsed = parseAgentConfig(process.argv.slice(2));
if (parsed.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if ('error' in parsed) {
  process.stderr.write(`fleetlb-agent: ${parsed.error}\n\n${USAGE}`);
  process.exit(2);
}
const { config } = parsed;
const source = fileSourceOf(config);
let document: DesiredState | undefined;
if (source) {
  const read = await source.read();
  for (const warning of read.warnings) process.stderr.write(`${warning}\n`);
  document = usable(read.check, source.path);
} else if (config.checkConfig || config.dryRun) {
  document = usable(await controlPlaneDocument(config), config.controlPlaneUrl!);
}
if (config.checkConfig) {
  process.stdout.write(`${source?.path ?? config.controlPlaneUrl}: valid\n`);
  process.exit(0);
}
if (config.dryRun) {
  const { dryRun } = await import('./runtime/dry-run.js'); // loaded only when asked for
  process.exit(
    await dryRun(document!, config.stateDir, (line) => process.stdout.write(`${line}\n`)),
  );
}
await runAgent({ config, ...(source && document ? { file: { source, document } } : {}) });

function fileSourceOf(c: AgentConfig): FileSource | undefined {
  if (c.desiredPath !== undefined) return new FileSource({ kind: 'desired', path: c.desiredPath });
  if (c.keepalivedConfPath !== undefined) {
    return new FileSource({ kind: 'keepalived', path: c.keepalivedConfPath, site: c.site });
  }
  return undefined;
}

/** The document, or exit 1 with the problems. */
function usable(check: DocumentCheck, source: string): DesiredState {
  if (check.ok) return check.document;
  process.stderr.write(
    `fleetlb-agent: ${source}: invalid document:\n  ${check.problems.join('\n  ')}\n`,
  );
  process.exit(1);
}

/** The control plane's document now; when it cannot be reached, the last-known-good copy. */
async function controlPlaneDocument(c: AgentConfig): Promise<DocumentCheck> {
  try {
    const token = (await readFile(c.tokenFile!, 'utf8')).trim();
    return await fetchConfigOnce({ url: c.controlPlaneUrl!, token });
  } catch (error) {
    const saved = await new LastKnownGood(c.stateDir).load();
    if (saved === undefined) {
      process.stderr.write(`fleetlb-agent: ${(error as Error).message}; no last-known-good copy\n`);
      process.exit(1);
    }
    process.stderr.write(
      `fleetlb-agent: ${(error as Error).message}; using the last-known-good copy\n`,
    );
    return saved;
  }
}
