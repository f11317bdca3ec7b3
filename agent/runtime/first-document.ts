/**
 * @module An agent's first start in control-plane mode: it has no last-known-good document, so
 * the launcher could not tell its size and gave it the base V8 flags, without lite mode
 * (agent/bin/node-flags.js). Before it starts anything (crash guard, VRRP, VIPs, IPVS, checks),
 * it fetches its first document once, keeps it as the last-known-good copy (as it keeps every
 * document it accepts) and re-execs itself (same pid, same stdio) into the flags that document
 * calls for; the re-exec'd agent starts from that copy, as every later start does, and long-polls
 * from its revision. Once only: the re-exec carries FIRST_DOCUMENT_REEXEC_ENV. When the control
 * plane does not answer, refuses, or the re-exec fails, the agent carries on with the flags it
 * has and says so in its log: its next start has the document.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { DesiredState } from '../../contract/desired-state.js';
import type { AgentConfig } from '../config.js';
import {
  FIRST_DOCUMENT_REEXEC_ENV,
  firstDocumentReexec,
  firstDocumentReexecRefused,
} from '../bin/node-flags.js';
import { reexecNode } from '../bin/reexec-node.js';
import { fetchConfigOnce } from './config-client.js';
import type { DocumentCheck } from './document-check.js';
import { LastKnownGood } from './last-known-good.js';
import { realServersOf } from './lite-mode.js';

/** The value an agent re-exec'd for its first document finds in FIRST_DOCUMENT_REEXEC_ENV. */
const REEXECED = 'done';

export interface FirstDocumentPorts {
  lastKnownGood: Pick<LastKnownGood, 'load' | 'save'>;
  /** One `GET /v1/agent/config`, checked (config-client.ts `fetchConfigOnce`). */
  fetchDocument(): Promise<DocumentCheck>;
  /** Replaces this process (agent/bin/reexec-node.js); returns only by rejecting. */
  reexec(flags: readonly string[], extraEnv: Record<string, string>): Promise<never>;
  logger: Pick<Logger, 'info' | 'warn' | 'flush'>;
  /** What the launcher reads of the environment (agent/config.ts `launcherEnv`). */
  env: Record<string, string | undefined>;
  /** This process's Node flags. */
  execArgv: readonly string[];
}

/** Runs the first start's re-exec when it applies; returns when the agent carries on as it is. */
export async function reexecForFirstDocument(ports: FirstDocumentPorts): Promise<void> {
  const { logger, env, execArgv } = ports;
  if (env[FIRST_DOCUMENT_REEXEC_ENV] === REEXECED) {
    logger.info({ event: 'first-document', execArgv }, 're-exec’d for its first document');
    return;
  }
  if (firstDocumentReexecRefused(env) !== undefined) return;
  if ((await ports.lastKnownGood.load()) !== undefined) return; // not a first start
  let document: DesiredState;
  try {
    const check = await ports.fetchDocument();
    if (!check.ok) throw new Error(check.problems.join('; '));
    document = check.document;
    await ports.lastKnownGood.save(document);
  } catch (error) {
    // The control-plane loop fetches it again, and reports a refusal.
    logger.warn(
      { event: 'first-document', error: (error as Error).message, execArgv },
      'first start: no first document before starting; its V8 flags stay as they are until the next start',
    );
    return;
  }
  const decision = firstDocumentReexec(realServersOf(document), execArgv, env);
  if (!decision.reexec) return;
  logger.info(
    { event: 'first-document', revision: document.revision, flags: decision.flags },
    'first start: re-exec’ing with the V8 flags its first document calls for',
  );
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  try {
    await ports.reexec(decision.flags, { [FIRST_DOCUMENT_REEXEC_ENV]: REEXECED });
  } catch (error) {
    logger.warn(
      { event: 'first-document', error: (error as Error).message, flags: decision.flags },
      'first start: re-exec failed; running without these V8 flags until the next start',
    );
  }
}

/** The ports of an agent in control-plane mode on its host. */
export function hostFirstDocumentPorts(
  config: AgentConfig,
  logger: FirstDocumentPorts['logger'],
): FirstDocumentPorts {
  return {
    lastKnownGood: new LastKnownGood(config.stateDir),
    fetchDocument: async () => {
      const token = (await readFile(config.tokenFile!, 'utf8')).trim();
      return fetchConfigOnce({ url: config.controlPlaneUrl!, token });
    },
    reexec: reexecNode,
    logger,
    env: config.launcherEnv,
    execArgv: process.execArgv,
  };
}
