/**
 * @module Control-plane mode: start from the last-known-good document if there is one, then
 * long-poll the control plane; every document is checked, applied (or refused, with its reasons
 * in the next status report) and kept as the new last-known-good. While the control plane is
 * unreachable nothing on the director changes.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { AgentStatusInput } from '../../contract/agent-status.js';
import type { DesiredState } from '../../contract/desired-state.js';
import { ConfigClient } from './config-client.js';
import type { DocumentCheck, Reason } from './document-check.js';
import type { DirectorAgent } from './director-agent.js';
import { NodeHttpClient } from './http-client.js';
import type { LastKnownGood } from './last-known-good.js';
import { StatusReporter } from './status-reporter.js';

export interface ControlPlaneModeDeps {
  url: string;
  tokenFile: string;
  agent: DirectorAgent;
  lastKnownGood: LastKnownGood;
  logger: Logger;
  /** Sync and refusal counts (agent/metrics/config-metrics.ts). */
  onSynced?(): void;
  onRefused?(): void;
  onPollFailed?(): void;
  /** The status snapshot without transitions and rejections. */
  snapshot(): Promise<Omit<AgentStatusInput, 'transitions' | 'rejected'>>;
}

export async function runControlPlaneMode(
  deps: ControlPlaneModeDeps,
): Promise<{ client: ConfigClient; reporter: StatusReporter }> {
  const { agent, logger } = deps;
  const token = (await readFile(deps.tokenFile, 'utf8')).trim();
  let rejected: AgentStatusInput['rejected'];
  // One keep-alive pool for the long-poll and the reports.
  const http = new NodeHttpClient();
  const reporter = new StatusReporter(
    { url: deps.url, token, http },
    {
      snapshot: async () => ({ ...(await deps.snapshot()), ...(rejected ? { rejected } : {}) }),
      onError: (error, retryInMs) =>
        logger.warn({ error: error.message, retryInMs }, 'status report failed'),
    },
  );
  const reject = (revision: number | undefined, refusal: DocumentCheck & { ok: false }) => {
    const { problems } = refusal;
    deps.onRefused?.();
    logger.error({ revision, problems }, 'document refused; keeping the one in force');
    if (revision !== undefined) rejected = { revision, reasons: refusal.reasons.map(bounded) };
    reporter.reportSoon();
  };
  const apply = async (document: DesiredState, source: string, receivedAtMs?: number) => {
    const result = await agent.apply(document);
    if (!result.ok) return reject(document.revision, result);
    rejected = undefined;
    logger.info({ revision: document.revision, source, receivedAtMs }, 'document applied');
    reporter.reportSoon();
  };
  const saved = await deps.lastKnownGood.load();
  if (saved?.ok) await apply(saved.document, 'last-known-good');
  else if (saved) logger.error({ problems: saved.problems }, 'last-known-good copy unusable');
  const client = new ConfigClient(
    { url: deps.url, token, http },
    {
      onDocument: (document, receivedAtMs) => apply(document, 'control-plane', receivedAtMs),
      onRejected: reject,
      onIgnoredFields: (revision, paths) =>
        logger.warn({ revision, fields: paths }, 'document fields unknown to this agent skipped'),
      onError: (error, retryInMs) => {
        deps.onPollFailed?.();
        logger.warn({ error: error.message, retryInMs }, 'control plane unreachable');
      },
      ...(deps.onSynced ? { onSynced: deps.onSynced } : {}),
    },
  );
  client.start(agent.applied?.revision);
  reporter.start();
  return { client, reporter };
}

/** A reason within the status report's bounds (512 and 1024 characters). */
function bounded({ path, message }: Reason): Reason {
  return { path: path.slice(0, 512), message: message.slice(0, 1024) };
}
